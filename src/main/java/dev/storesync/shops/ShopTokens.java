package dev.storesync.shops;

import dev.storesync.kernel.SqlTimes;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;
import java.util.function.Function;

/**
 * Reads and replaces shop tokens with single SQL statements, so a rotated refresh token always
 * replaces the old one together with its access token (never half of the pair). Every write here
 * bumps {@code version}, as Hibernate does for the {@link Shop} entity, so an admin edit in flight
 * never silently overwrites a pause or a re-authorization flag set here.
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
        return access(pool, domain, SELECT);
    }

    private Uni<Optional<ShopAccess>> access(SqlClient client, String domain, String select) {
        return client.preparedQuery(select).execute(Tuple.of(domain)).map(rows -> rows.size() == 0
                ? Optional.empty() : Optional.of(accessOf(rows.iterator().next(), domain)));
    }

    private ShopAccess accessOf(Row row, String domain) {
        byte[] sealed = row.getBuffer("access_token") == null ? null : row.getBuffer("access_token").getBytes();
        String token = sealed == null ? null
                : cipher.open(domain, TokenCipher.Purpose.ACCESS, sealed, row.getString("access_token_key_id"));
        return new ShopAccess(row.getLong("id"), domain, row.getString("state"), row.getString("api_version"), token,
                SqlTimes.instant(row, "access_token_expires_at"), row.getValue("refresh_token") != null);
    }

    /**
     * Refreshes a shop's tokens under a lock on its row, so that across all replicas one refresh
     * runs at a time per shop: Shopify rotates the refresh token on every use, and a second use of
     * the old one fails. Whoever waited for the lock re-reads the row; when its access token is no
     * longer {@code staleAccessToken}, another refresh (or a reinstall) has already replaced it and
     * that token is returned without calling Shopify. A null {@code staleAccessToken} refreshes
     * regardless. {@code exchange} trades the current refresh token for a new grant; when it fails,
     * nothing is written and the failure is passed on. Empty when the shop has no refresh token.
     */
    public Uni<Optional<ShopAccess>> refreshLocked(String domain, String staleAccessToken,
            Function<String, Uni<TokenGrant>> exchange) {
        return pool.withTransaction(conn -> conn.preparedQuery(SELECT + " FOR UPDATE").execute(Tuple.of(domain))
                .chain(rows -> {
                    if (rows.size() == 0) {
                        return Uni.createFrom().item(Optional.<ShopAccess>empty());
                    }
                    Row row = rows.iterator().next();
                    ShopAccess current = accessOf(row, domain);
                    if (staleAccessToken != null && current.accessToken() != null
                            && !staleAccessToken.equals(current.accessToken())) {
                        Log.debugf("Access token of %s was already replaced; using the new one", domain);
                        return Uni.createFrom().item(Optional.of(current));
                    }
                    if (row.getValue("refresh_token") == null) {
                        return Uni.createFrom().item(Optional.<ShopAccess>empty());
                    }
                    String refreshToken = cipher.open(domain, TokenCipher.Purpose.REFRESH,
                            row.getBuffer("refresh_token").getBytes(), row.getString("refresh_token_key_id"));
                    return exchange.apply(refreshToken)
                            .chain(grant -> replace(conn, domain, grant))
                            .chain(() -> access(conn, domain, SELECT));
                }));
    }

    /** Replaces access and refresh tokens in one statement; clears the re-authorization flag. */
    private Uni<Void> replace(SqlClient client, String domain, TokenGrant grant) {
        Tuple params = sealed(domain, grant).addString(grant.scopes());
        return client.preparedQuery("""
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
        return pool.preparedQuery("""
                UPDATE shops SET needs_reauth = TRUE, updated_at = now(), version = version + 1
                WHERE domain = $1 AND NOT needs_reauth""")
                .execute(Tuple.of(domain)).invoke(rows -> {
                    if (rows.rowCount() > 0) {
                        Log.warnf("Shop %s needs re-authorization: Shopify rejected its token", domain);
                    }
                }).replaceWithVoid();
    }

    /** Shopify says the shop cannot be served now (frozen or locked): pause it with the reason. */
    public Uni<Void> pause(String domain, String reason) {
        return pool.preparedQuery("""
                UPDATE shops SET state = 'paused', paused_reason = $2, updated_at = now(), version = version + 1
                WHERE domain = $1 AND state = 'active'""")
                .execute(Tuple.of(domain, reason)).invoke(rows -> {
                    if (rows.rowCount() > 0) {
                        Log.warnf("Shop %s paused: %s", domain, reason);
                    }
                }).replaceWithVoid();
    }

    /** $1 domain, $2..$4 sealed access token, key id, expiry, $5..$7 the same for the refresh token. */
    private Tuple sealed(String domain, TokenGrant grant) {
        TokenCipher.Sealed access = cipher.seal(domain, TokenCipher.Purpose.ACCESS, grant.accessToken());
        TokenCipher.Sealed refresh = grant.refreshToken() == null ? null
                : cipher.seal(domain, TokenCipher.Purpose.REFRESH, grant.refreshToken());
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
