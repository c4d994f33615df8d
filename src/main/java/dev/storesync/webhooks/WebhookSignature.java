package dev.storesync.webhooks;

import dev.storesync.StoreSyncConfig;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Checks {@code X-Shopify-Hmac-Sha256}: the base64 HMAC-SHA256 of the raw body, keyed with the
 * app's client secret. The previous secret is accepted too, because Shopify keeps signing with the
 * old one for up to an hour after a rotation.
 */
@ApplicationScoped
public class WebhookSignature {

    private static final String ALGORITHM = "HmacSHA256";

    private final List<SecretKeySpec> keys;

    public WebhookSignature(StoreSyncConfig config) {
        List<SecretKeySpec> configured = new ArrayList<>(2);
        add(configured, config.shopify().clientSecret());
        add(configured, config.shopify().previousClientSecret());
        this.keys = List.copyOf(configured);
        if (keys.isEmpty()) {
            Log.warn("No Shopify client secret configured (STORESYNC_SHOPIFY_CLIENT_SECRET): every webhook will be rejected");
        }
    }

    /** True when the header is a valid signature of the body under the current or the previous secret. */
    public boolean verify(byte[] body, String header) {
        if (header == null || header.isBlank() || keys.isEmpty()) {
            return false;
        }
        byte[] presented;
        try {
            presented = Base64.getDecoder().decode(header.trim());
        } catch (IllegalArgumentException e) {
            return false;
        }
        boolean valid = false;
        for (SecretKeySpec key : keys) {
            // No early exit: both secrets are always tried, so timing says nothing about which matched.
            valid |= MessageDigest.isEqual(hmac(key, body), presented);
        }
        return valid;
    }

    /** The header value Shopify would send for this body under the given secret. */
    public static String sign(byte[] body, String secret) {
        return Base64.getEncoder().encodeToString(
                hmac(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), ALGORITHM), body));
    }

    private static byte[] hmac(SecretKeySpec key, byte[] body) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return mac.doFinal(body);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    private static void add(List<SecretKeySpec> keys, Optional<String> secret) {
        secret.filter(s -> !s.isBlank())
                .ifPresent(s -> keys.add(new SecretKeySpec(s.getBytes(StandardCharsets.UTF_8), ALGORITHM)));
    }
}
