package dev.storesync.security;

import dev.storesync.StoreSyncConfig;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/** Resolves an API key to an identity with its role (and vendor), without blocking. */
@ApplicationScoped
public class ApiKeyIdentityProvider implements IdentityProvider<ApiKeyAuthenticationRequest> {

    // Touch last_used_at at most once a minute so authentication is not a write per request.
    private static final String LOOKUP = """
            WITH k AS (SELECT id, role, vendor_id, shop_domains, last_used_at FROM api_keys
                       WHERE key_hash = $1 AND revoked_at IS NULL),
                 touch AS (UPDATE api_keys a SET last_used_at = now() FROM k
                           WHERE a.id = k.id AND (k.last_used_at IS NULL OR k.last_used_at < now() - interval '1 minute'))
            SELECT id, role, vendor_id, shop_domains FROM k""";

    private final Pool pool;
    private final byte[] bootstrapHash;

    public ApiKeyIdentityProvider(Pool pool, StoreSyncConfig config) {
        this.pool = pool;
        this.bootstrapHash = config.security().bootstrapAdminKey()
                .filter(k -> !k.isBlank())
                .map(k -> ApiKeys.hash(k).getBytes(StandardCharsets.US_ASCII))
                .orElse(null);
    }

    @Override
    public Class<ApiKeyAuthenticationRequest> getRequestType() {
        return ApiKeyAuthenticationRequest.class;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(ApiKeyAuthenticationRequest request, AuthenticationRequestContext context) {
        String hash = ApiKeys.hash(request.key());
        if (bootstrapHash != null && MessageDigest.isEqual(bootstrapHash, hash.getBytes(StandardCharsets.US_ASCII))) {
            return Uni.createFrom().item(identity("bootstrap-admin", Roles.ADMIN, null, null, null));
        }
        return pool.preparedQuery(LOOKUP).execute(Tuple.of(hash))
                .map(rows -> {
                    if (rows.size() == 0) {
                        throw new AuthenticationFailedException("unknown or revoked API key");
                    }
                    Row row = rows.iterator().next();
                    String[] shops = row.getArrayOfStrings("shop_domains");
                    return identity("api-key:" + row.getLong("id"), row.getString("role"), row.getLong("vendor_id"),
                            row.getLong("id"), shops == null ? null : Set.of(shops));
                });
    }

    private static SecurityIdentity identity(String principal, String role, Long vendorId, Long keyId,
            Set<String> shopDomains) {
        QuarkusSecurityIdentity.Builder builder = QuarkusSecurityIdentity.builder()
                .setPrincipal(new QuarkusPrincipal(principal))
                .addRole(role);
        if (keyId != null) {
            builder.addAttribute(Roles.API_KEY_ID_ATTRIBUTE, keyId);
        }
        if (shopDomains != null) {
            builder.addAttribute(Roles.SHOP_DOMAINS_ATTRIBUTE, shopDomains);
        }
        if (vendorId != null) {
            builder.addAttribute(Roles.VENDOR_ID_ATTRIBUTE, vendorId);
        }
        return builder.build();
    }
}
