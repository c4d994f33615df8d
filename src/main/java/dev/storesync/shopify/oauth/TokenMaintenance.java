package dev.storesync.shopify.oauth;

import dev.storesync.kernel.JobLeases;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Access tokens are refreshed when used (see the Admin client). A shop with no traffic would
 * still lose its rotating refresh token after 90 days, so this sweep refreshes shops whose refresh
 * token ends within a week. Runs on one replica at a time.
 */
@ApplicationScoped
public class TokenMaintenance {

    private final Pool pool;
    private final TokenRefresher refresher;
    private final JobLeases leases;

    public TokenMaintenance(Pool pool, TokenRefresher refresher, JobLeases leases) {
        this.pool = pool;
        this.refresher = refresher;
        this.leases = leases;
    }

    @Scheduled(every = "1H", delayed = "5M", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        return leases.tryAcquire("token-maintenance", Duration.ofMinutes(30))
                .chain(mine -> mine ? refreshExpiring().replaceWithVoid() : Uni.createFrom().voidItem());
    }

    /** Refreshes every active shop whose refresh token expires within 7 days; returns how many succeeded. */
    public Uni<Integer> refreshExpiring() {
        return pool.query("""
                SELECT domain FROM shops WHERE state = 'active' AND refresh_token IS NOT NULL
                  AND refresh_token_expires_at < now() + interval '7 days' ORDER BY domain""").execute()
                .chain(rows -> {
                    List<String> domains = new ArrayList<>();
                    rows.forEach(r -> domains.add(r.getString("domain")));
                    Uni<Integer> chain = Uni.createFrom().item(0);
                    for (String domain : domains) {
                        chain = chain.chain(n -> refresher.refresh(domain, null).map(result -> {
                            if (result.isEmpty()) {
                                Log.warnf("Refresh token of %s is about to expire and could not be renewed: "
                                        + "re-authorize the app", domain);
                                return n;
                            }
                            return n + 1;
                        }).onFailure(ShopifyOAuthClient.OAuthException.class).recoverWithItem(n));
                    }
                    return chain;
                });
    }
}
