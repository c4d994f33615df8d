package dev.storesync.shopify.sim;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * {@code /admin/oauth/authorize} (the merchant approves at once) and {@code /admin/oauth/access_token}
 * (authorization code and refresh token grants, expiring offline tokens with rotating refresh tokens).
 */
final class OAuthEndpoints {

    private record PendingCode(String shop, String scope) {
    }

    private final ShopifySimulator simulator;
    private final Map<String, PendingCode> codes = new ConcurrentHashMap<>();

    OAuthEndpoints(ShopifySimulator simulator) {
        this.simulator = simulator;
    }

    SimResponse authorize(SimShop shop, String rawQuery) {
        Map<String, String> params = parseForm(rawQuery);
        String redirectUri = params.get("redirect_uri");
        if (!simulator.clientId().equals(params.get("client_id")) || redirectUri == null) {
            return SimResponse.errors(400, "Oauth error invalid_request: The client_id or redirect_uri is invalid");
        }
        String code = ShopifySimulator.randomHex(16);
        codes.put(code, new PendingCode(shop.domain(), params.getOrDefault("scope", "")));
        Map<String, String> callback = new TreeMap<>();
        callback.put("code", code);
        callback.put("host", Base64.getEncoder().withoutPadding().encodeToString(
                ("admin.shopify.com/store/" + shop.name()).getBytes(StandardCharsets.UTF_8)));
        callback.put("shop", shop.domain());
        if (params.containsKey("state")) {
            callback.put("state", params.get("state"));
        }
        callback.put("timestamp", Long.toString(Instant.now().getEpochSecond()));
        callback.put("hmac", hmac(callback, simulator.clientSecret()));
        String location = redirectUri + (redirectUri.contains("?") ? "&" : "?") + encode(callback);
        return new SimResponse(302, Map.of("Location", location), new byte[0]);
    }

    SimResponse accessToken(SimShop shop, String contentType, byte[] body) {
        Map<String, String> params = parseBody(contentType, body);
        if (!simulator.clientId().equals(params.get("client_id"))
                || !simulator.clientSecret().equals(params.get("client_secret"))) {
            return oauthError("invalid_client", "Client authentication failed");
        }
        Duration lifetime = simulator.accessTokenLifetime();
        if ("refresh_token".equals(params.get("grant_type"))) {
            Map<String, Object> refreshed = shop.refresh(params.get("refresh_token"), lifetime);
            return refreshed == null ? oauthError("invalid_grant", "The refresh token is invalid or expired")
                    : SimResponse.json(200, refreshed);
        }
        PendingCode pending = params.get("code") == null ? null : codes.remove(params.get("code"));
        if (pending == null || !pending.shop().equals(shop.domain())) {
            return oauthError("invalid_request", "The authorization code was not found or was already used");
        }
        boolean expiring = "1".equals(params.get("expiring"));
        return SimResponse.json(200, shop.issueToken(pending.scope(), expiring, lifetime));
    }

    /** Shopify's OAuth signature: hex HMAC-SHA256 over the sorted, URL-encoded params without hmac. */
    static String hmac(Map<String, String> params, String secret) {
        Map<String, String> signed = new TreeMap<>(params);
        signed.remove("hmac");
        signed.remove("signature");
        return HexFormat.of().formatHex(WebhookSender.hmacSha256(
                encode(signed).getBytes(StandardCharsets.UTF_8), secret));
    }

    private static String encode(Map<String, String> params) {
        return params.entrySet().stream()
                .map(e -> urlEncode(e.getKey()) + "=" + urlEncode(e.getValue()))
                .collect(Collectors.joining("&"));
    }

    private static String urlEncode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static SimResponse oauthError(String error, String description) {
        return SimResponse.json(400, Map.of("error", error, "error_description", description));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> parseBody(String contentType, byte[] body) {
        if (contentType != null && contentType.contains("json")) {
            try {
                Map<String, Object> json = ShopifySimulator.JSON.readValue(body, Map.class);
                Map<String, String> params = new LinkedHashMap<>();
                json.forEach((k, v) -> params.put(k, v == null ? null : v.toString()));
                return params;
            } catch (java.io.IOException e) {
                return Map.of();
            }
        }
        return parseForm(new String(body, StandardCharsets.UTF_8));
    }

    static Map<String, String> parseForm(String form) {
        Map<String, String> params = new LinkedHashMap<>();
        if (form == null || form.isEmpty()) {
            return params;
        }
        for (String pair : form.split("&")) {
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            params.put(key, value);
        }
        return params;
    }
}
