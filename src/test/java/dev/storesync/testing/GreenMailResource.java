package dev.storesync.testing;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A real SMTP server in-process (GreenMail) on a free port, for tests that deliver mail: points
 * {@code quarkus.mailer.*} at it with the mock mailer off. Tests read what was delivered with
 * {@link #subjects()}.
 */
public class GreenMailResource implements QuarkusTestResourceLifecycleManager {

    private static volatile GreenMail server;
    private static volatile int port;

    @Override
    public Map<String, String> start() {
        server = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
        server.start();
        port = server.getSmtp().getPort();
        return Map.of("quarkus.mailer.mock", "false", "quarkus.mailer.host", "127.0.0.1",
                "quarkus.mailer.port", Integer.toString(port),
                "quarkus.mailer.start-tls", "DISABLED", "quarkus.mailer.tls", "false");
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop();
        }
    }

    /** Takes the SMTP server down (an outage): sends fail until {@link #restart()}. */
    public static void stopServer() {
        server.stop();
    }

    /** Brings the SMTP server back on the same port, with an empty mailbox. */
    public static void restart() {
        server = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        server.start();
    }

    /** The messages delivered so far, oldest first, once each (GreenMail keeps a copy per recipient). */
    public static List<MimeMessage> messages() {
        Map<String, MimeMessage> byId = new LinkedHashMap<>();
        for (MimeMessage m : server.getReceivedMessages()) {
            try {
                byId.putIfAbsent(m.getMessageID(), m);
            } catch (MessagingException e) {
                throw new IllegalStateException(e);
            }
        }
        return List.copyOf(byId.values());
    }

    /** Subjects of the delivered messages that contain {@code text}. */
    public static List<String> subjects(String text) {
        List<String> out = new ArrayList<>();
        for (MimeMessage m : messages()) {
            try {
                if (m.getSubject().contains(text)) {
                    out.add(m.getSubject());
                }
            } catch (MessagingException e) {
                throw new IllegalStateException(e);
            }
        }
        return out;
    }
}
