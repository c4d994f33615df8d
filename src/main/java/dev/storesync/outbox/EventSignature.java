package dev.storesync.outbox;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The {@code StoreSync-Signature} header: {@code sha256=} and the lower-case hex HMAC-SHA256 of the
 * exact request body bytes, keyed with {@code storesync.outbox.secret}. A receiver recomputes it over
 * the raw body and compares in constant time. The body holds the event id, so the signature binds it;
 * redeliveries carry the same body and so the same signature.
 */
public final class EventSignature {

    public static final String HEADER = "StoreSync-Signature";
    public static final String PREFIX = "sha256=";

    private EventSignature() {
    }

    public static String sign(String secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return PREFIX + HexFormat.of().formatHex(mac.doFinal(body));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is unavailable", e);
        }
    }
}
