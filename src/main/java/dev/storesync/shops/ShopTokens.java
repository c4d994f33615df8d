package dev.storesync.shops;

import io.quarkus.logging.Log;
import dev.storesync.kernel.SqlTimes;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;

/**
 * Reads and replaces shop tokens with single SQL statements, so a rotated refresh token always
 * replaces the old one together with its access token (never half of the pair).
 */
@ApplicationScoped
public class ShopTokens {

    private static final String SELECT = """
            SELECT id, domain, state, api_version, access_token, access_token_key_id, access_token_expires_at,
                   refresh_token, refresh_token_key_id
            FROM shops WHERE domain = $1""";

    private final Pool pool;
    private final TokenCipher cipher;

    public ShopTokens(Pool pool, TokenCipher cipher) {
        this.pool = pool;
        this.cipher = cipher;
    }

    public Uni<Optional<ShopAccess>> access(String domain) {
        return pool.preparedQuery(SELECT).execute(Tuple.of(domain)).map(rows -> {
            if (rows.size() == 0) {
                return Optional.empty();
            }
            Row row = rows.iterator().next();
            byte[] sealed = row.getBuffer("access_token") == null ? null : row.getBuffer("access_token").getBytes();
            String token = sealed == null ? null
                    : cipher.decrypt(sealed, row.getString("access_token_key_id"), ShopService.context(domain, "access"));
            return Optional.of(new ShopAccess(row.getLong("id"), domain, row.getString("state"),
                    row.getString("api_version"), token, SqlTimes.instant(row, "access_token_expires_at"),
                    row.getValue("refresh_token") != null));
        });
    }

    /** The decrypted refresh token, for the refresh call only. */
    public Uni<Optional<String>> refreshToken(String domain) {
        return pool.preparedQuery("SELECT refresh_token, refresh_token_key_id FROM shops WHERE domain = $1")
                .execute(Tuple.of(domain)).map(rows -> {
                    if (rows.size() == 0 || rows.iterator().next().getValue("refresh_token") == null) {
                        return Optional.empty();
                    }
                    Row row = rows.iterator().next();
                    return Optional.of(cipher.decrypt(row.getBuffer("refresh_token").getBytes(),
                            row.getString("refresh_token_key_id"), ShopService.context(domain, "refresh")));
                });
    }

    /** Replaces access and refresh tokens in one statement; clears the re-authorization flag. */
    public Uni<Void> replace(String domain, TokenGrant grant) {
        Tuple params = sealed(domain, grant).addString(grant.scopes());
        return pool.preparedQuery("""
                UPDATE shops SET access_token = $2, access_token_key_id = $3, access_token_expires_at = $4,
                       refresh_token = $5, refresh_token_key_id = $6, refresh_token_expires_at = $7,
                       scopes = COALESCE($8, scopes), needs_reauth = FALSE, updated_at = now(), version = version + 1
                WHERE domain = $1""").execute(params).replaceWithVoid();
    }

    /**
     * Records an installation: creates the shop or revives it (reinstall after uninstall, or
     * re-authorization), with its new tokens, in one statement.
     */
    public Uni<Long> install(String domain, String apiVersion, TokenGrant grant) {
        Tuple params = sealed(domain, grant).addString(grant.scopes() == null ? "" : grant.scopes()).addString(apiVersion);
        return pool.preparedQuery("""
                INSERT INTO shops (domain, access_token, access_token_key_id, access_token_expires_at, refresh_token,
                                   refresh_token_key_id, refresh_token_expires_at, scopes, api_version, state)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'active')
                ON CONFLICT (domain) DO UPDATE SET
                    access_token = EXCLUDED.access_token, access_token_key_id = EXCLUDED.access_token_key_id,
                    access_token_expires_at = EXCLUDED.access_token_expires_at, refresh_token = EXCLUDED.refresh_token,
                    refresh_token_key_id = EXCLUDED.refresh_token_key_id,
                    refresh_token_expires_at = EXCLUDED.refresh_token_expires_at, scopes = EXCLUDED.scopes,
                    api_version = EXCLUDED.api_version, state = 'active', paused_reason = NULL, needs_reauth = FALSE,
                    installed_at = now(), uninstalled_at = NULL, updated_at = now(), version = shops.version + 1
                RETURNING id""").execute(params).map(rows -> rows.iterator().next().getLong("id"));
    }

    /** Shopify refused the token and it could not be refreshed: an operator must reinstall the app. */
    public Uni<Void> markNeedsReauth(String domain) {
        return pool.preparedQuery("UPDATE shops SET needs_reauth = TRUE, updated_at = now() WHERE domain = $1 AND NOT needs_reauth")
                .execute(Tuple.of(domain)).invoke(rows -> {
                    if (rows.rowCount() > 0) {
                        Log.warnf("Shop %s needs re-authorization: Shopify rejected its token", domain);
                    }
                }).replaceWithVoid();
    }

    /** Shopify says the shop cannot be served now (frozen or locked): pause it with the reason. */
    public Uni<Void> pause(String domain, String reason) {
        return pool.preparedQuery("""
                UPDATE shops SET state = 'paused', paused_reason = $2, updated_at = now()
                WHERE domain = $1 AND state = 'active'""")
                .execute(Tuple.of(domain, reason)).invoke(rows -> {
                    if (rows.rowCount() > 0) {
                        Log.warnf("Shop %s paused: %s", domain, reason);
                    }
                }).replaceWithVoid();
    }

    /** $1 domain, $2..$4 sealed access token, key id, expiry, $5..$7 the same for the refresh token. */
    private Tuple sealed(String domain, TokenGrant grant) {
        TokenCipher.Sealed access = cipher.encrypt(grant.accessToken(), ShopService.context(domain, "access"));
        TokenCipher.Sealed refresh = grant.refreshToken() == null ? null
                : cipher.encrypt(grant.refreshToken(), ShopService.context(domain, "refresh"));
        return Tuple.tuple()
                .addString(domain)
                .addValue(Buffer.buffer(access.ciphertext()))
                .addString(access.keyId())
                .addValue(SqlTimes.timestamptz(grant.accessTokenExpiresAt()))
                .addValue(refresh == null ? null : Buffer.buffer(refresh.ciphertext()))
                .addString(refresh == null ? null : refresh.keyId())
                .addValue(SqlTimes.timestamptz(grant.refreshTokenExpiresAt()));
    }

}
