package dev.storesync.shopify.oauth;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The HMAC Shopify puts on install and OAuth callback URLs: lowercase hex HMAC-SHA256, keyed with
 * the client secret, over the query parameters except {@code hmac} and {@code signature}, sorted
 * by name and joined as {@code k=v&k=v}. Checked over the parameters as received and as decoded,
 * since clients disagree on re-encoding, always in constant time.
 */
final class OAuthSignatures {

    private OAuthSignatures() {
    }

    static boolean verify(String rawQuery, String secret) {
        if (rawQuery == null || secret == null || secret.isEmpty()) {
            return false;
        }
        String given = null;
        List<String[]> encoded = new ArrayList<>();
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            if (key.equals("hmac")) {
                given = decode(value);
            } else if (!key.equals("signature")) {
                encoded.add(new String[] { key, value });
            }
        }
        if (given == null) {
            return false;
        }
        encoded.sort(Comparator.comparing((String[] p) -> p[0]));
        byte[] givenBytes = given.toLowerCase(java.util.Locale.ROOT).getBytes(StandardCharsets.US_ASCII);
        boolean asReceived = MessageDigest.isEqual(givenBytes, sign(join(encoded, false), secret).getBytes(StandardCharsets.US_ASCII));
        boolean asDecoded = MessageDigest.isEqual(givenBytes, sign(join(encoded, true), secret).getBytes(StandardCharsets.US_ASCII));
        return asReceived | asDecoded;
    }

    static String sign(String message, String secret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(message.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String join(List<String[]> pairs, boolean decodeValues) {
        StringBuilder out = new StringBuilder();
        for (String[] pair : pairs) {
            if (out.length() > 0) {
                out.append('&');
            }
            out.append(pair[0]).append('=').append(decodeValues ? decode(pair[1]) : pair[1]);
        }
        return out.toString();
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s;
        }
    }
}
