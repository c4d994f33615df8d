package dev.storesync.shops;

import dev.storesync.StoreSyncConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-256-GCM for shop tokens at rest. Each ciphertext is bound (as associated data) to its shop
 * and purpose, so a ciphertext copied into another row or column does not decrypt. The key id is
 * stored beside the ciphertext so keys can rotate: old keys stay configured to decrypt.
 */
@ApplicationScoped
public class TokenCipher {

    private static final int IV_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Map<String, SecretKey> keys;
    private final String activeKeyId;

    public TokenCipher(StoreSyncConfig config) {
        this.keys = parseKeys(config.crypto().keys().orElse(""));
        this.activeKeyId = config.crypto().activeKeyId().filter(id -> !id.isBlank()).orElse(null);
        if (activeKeyId != null && !keys.containsKey(activeKeyId)) {
            throw new IllegalStateException("storesync.crypto.active-key-id '" + activeKeyId
                    + "' is not among storesync.crypto.keys");
        }
    }

    /** Ciphertext together with the id of the key that made it. */
    public record Sealed(byte[] ciphertext, String keyId) {
    }

    /** Which of a shop's two tokens; part of the associated data, so the two never swap. */
    public enum Purpose {
        ACCESS("access"), REFRESH("refresh");

        private final String word;

        Purpose(String word) {
            this.word = word;
        }
    }

    /** The one way a shop token is sealed for storage: bound to its shop and purpose. */
    public Sealed seal(String domain, Purpose purpose, String token) {
        return encrypt(token, context(domain, purpose));
    }

    /** Opens what {@link #seal} made for the same shop and purpose. */
    public String open(String domain, Purpose purpose, byte[] sealed, String keyId) {
        return decrypt(sealed, keyId, context(domain, purpose));
    }

    private static String context(String domain, Purpose purpose) {
        return "storesync:shop:" + domain + ":" + purpose.word + "-token";
    }

    private Sealed encrypt(String plaintext, String context) {
        if (activeKeyId == null) {
            throw new IllegalStateException("No token encryption key configured: set STORESYNC_CRYPTO_KEYS and "
                    + "STORESYNC_CRYPTO_ACTIVE_KEY_ID");
        }
        try {
            byte[] iv = new byte[IV_BYTES];
            RANDOM.nextBytes(iv);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, keys.get(activeKeyId), new GCMParameterSpec(TAG_BITS, iv));
            cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
            byte[] body = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
            return new Sealed(ByteBuffer.allocate(IV_BYTES + body.length).put(iv).put(body).array(), activeKeyId);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Token encryption failed", e);
        }
    }

    private String decrypt(byte[] sealed, String keyId, String context) {
        SecretKey key = keys.get(keyId);
        if (key == null) {
            throw new IllegalStateException("Token was encrypted with key '" + keyId + "', which is no longer configured");
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, sealed, 0, IV_BYTES));
            cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
            return new String(cipher.doFinal(sealed, IV_BYTES, sealed.length - IV_BYTES), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Token could not be decrypted (wrong key or tampered ciphertext)", e);
        }
    }

    public String activeKeyId() {
        return activeKeyId;
    }

    private static Map<String, SecretKey> parseKeys(String spec) {
        Map<String, SecretKey> parsed = new LinkedHashMap<>();
        for (String entry : spec.split(",")) {
            String trimmed = entry.trim();
            if (trimmed.isEmpty()) {
                continue;
            }
            int colon = trimmed.indexOf(':');
            if (colon <= 0) {
                throw new IllegalStateException("storesync.crypto.keys entries must look like id:base64key");
            }
            byte[] raw = Base64.getDecoder().decode(trimmed.substring(colon + 1));
            if (raw.length != 32) {
                throw new IllegalStateException("Key '" + trimmed.substring(0, colon) + "' must be 32 bytes (AES-256)");
            }
            parsed.put(trimmed.substring(0, colon), new SecretKeySpec(raw, "AES"));
        }
        return Map.copyOf(parsed);
    }
}
