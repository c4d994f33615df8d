package dev.storesync.carriers;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.storesync.kernel.Problem;
import dev.storesync.kernel.ProblemException;
import dev.storesync.webhooks.InboxRepository;
import dev.storesync.webhooks.WebhookConfig;
import dev.storesync.webhooks.WebhookDispatcher;
import dev.storesync.webhooks.WebhookIntakeService;
import io.quarkus.logging.Log;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Accepts a Ship24 webhook into the webhook inbox (topic {@value #TOPIC}, source {@value #SOURCE}
 * in place of a shop domain) and does nothing else; {@link Ship24TrackingHandler} applies it
 * later. The secret is checked before anything of the body is looked at, and a refused delivery
 * stores nothing. The inbox key is the SHA-256 of the body: Ship24 sends no delivery id, and a
 * resent identical body is then stored once; different bodies repeating events are deduplicated
 * by event id when they are applied.
 */
@ApplicationScoped
public class Ship24Intake {

    public static final String TOPIC = "ship24/tracking";
    public static final String SOURCE = "ship24";
    private static final String BEARER = "Bearer ";

    private final InboxRepository inbox;
    private final WebhookDispatcher dispatcher;
    private final WebhookConfig webhooks;
    private final JsonFactory json;
    private final byte[] secretDigest;

    public Ship24Intake(InboxRepository inbox, WebhookDispatcher dispatcher, WebhookConfig webhooks, Ship24Config config,
            ObjectMapper mapper) {
        this.inbox = inbox;
        this.dispatcher = dispatcher;
        this.webhooks = webhooks;
        this.json = mapper.getFactory();
        this.secretDigest = config.webhookSecret().filter(s -> !s.isBlank()).map(s -> sha256(s.getBytes(StandardCharsets.UTF_8)))
                .orElse(null);
        if (secretDigest == null) {
            Log.warn("No Ship24 webhook secret configured (STORESYNC_SHIP24_WEBHOOK_SECRET): every Ship24 webhook will be rejected");
        }
    }

    /** The answer to Ship24: stored now, or already by an identical earlier delivery. */
    @RegisterForReflection
    public record Receipt(String deliveryId, boolean duplicate) {
    }

    public Uni<Receipt> receive(byte[] body, String authorization) {
        byte[] raw = body == null ? new byte[0] : body;
        long limit = webhooks.maxBodySize().asLongValue();
        if (raw.length > limit) {
            throw new ProblemException(Problem.of(413, "payload-too-large", "Payload too large",
                    "Webhook bodies are limited to " + limit + " bytes."));
        }
        if (!authorized(authorization)) {
            Log.debug("Ship24 webhook rejected: missing or wrong webhook secret");
            throw new ProblemException(Problem.of(401, "webhook-unauthorized", "Unauthorized",
                    "The Authorization header must carry the Ship24 webhook secret as a Bearer token."));
        }
        String payload = WebhookIntakeService.storableJsonObject(json, raw);
        String deliveryId = "ship24-" + HexFormat.of().formatHex(sha256(raw));
        return inbox.insertUnscoped(deliveryId, SOURCE, TOPIC, payload, webhooks.dispatcher().maxAttempts())
                .map(id -> {
                    if (id.isEmpty()) {
                        Log.debugf("Ship24 webhook %s is a redelivery; already stored", deliveryId);
                        return new Receipt(deliveryId, true);
                    }
                    Log.debugf("Ship24 webhook %s stored as inbox row %d", deliveryId, id.get());
                    dispatcher.nudge();
                    return new Receipt(deliveryId, false);
                });
    }

    /** Compares digests, so neither the secret's length nor its first differing byte shows in the timing. */
    private boolean authorized(String header) {
        if (secretDigest == null || header == null || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return false;
        }
        byte[] presented = header.substring(BEARER.length()).trim().getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(secretDigest, sha256(presented));
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}
