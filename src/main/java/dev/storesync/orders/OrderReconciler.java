package dev.storesync.orders;

import dev.storesync.kernel.JobLeases;
import dev.storesync.shopify.client.ShopifyAdminClient;
import dev.storesync.shopify.client.ShopifyResult;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;

/**
 * Re-reads orders changed recently, for every active shop, because webhooks can be lost (Shopify
 * stops retrying after 4 hours). Runs on one replica at a time.
 */
@ApplicationScoped
public class OrderReconciler {

    /** The job lease: the replica holding it runs the reconciliation of the current interval. */
    static final String LEASE = "order-reconcile";

    private final Pool pool;
    private final ShopifyAdminClient shopify;
    private final OrderImportService orders;
    private final JobLeases leases;
    private final ReconciliationConfig config;

    public OrderReconciler(Pool pool, ShopifyAdminClient shopify, OrderImportService orders, JobLeases leases,
            ReconciliationConfig config) {
        this.pool = pool;
        this.shopify = shopify;
        this.orders = orders;
        this.leases = leases;
        this.config = config;
    }

    /** What one run did for one shop: orders read, and how many of them were newer than our copy. */
    public record Result(String shop, int read, int applied, String problem) {
    }

    @Scheduled(every = "${storesync.reconciliation.interval:30M}", delayed = "5M",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        return leases.tryAcquire(LEASE, config.interval().dividedBy(2)).chain(mine -> mine
                ? reconcileAll().replaceWithVoid()
                : Uni.createFrom().voidItem());
    }

    public Uni<java.util.List<Result>> reconcileAll() {
        return pool.query("SELECT id, domain FROM shops WHERE state = 'active' AND access_token IS NOT NULL ORDER BY id")
                .execute().chain(rows -> {
                    Uni<java.util.List<Result>> chain = Uni.createFrom().item(new java.util.ArrayList<>());
                    for (var row : rows) {
                        long shopId = row.getLong("id");
                        String domain = row.getString("domain");
                        chain = chain.chain(results -> reconcile(shopId, domain).map(r -> {
                            results.add(r);
                            return results;
                        }));
                    }
                    return chain;
                });
    }

    public Uni<Result> reconcile(long shopId, String shop) {
        Instant since = Instant.now().minus(config.window()).truncatedTo(ChronoUnit.SECONDS);
        return page(shopId, shop, "updated_at:>'" + since + "'", null, 0, new Result(shop, 0, 0, null))
                .invoke(r -> Log.infof("Reconciled %s: %d order(s) read, %d changed%s", shop, r.read(), r.applied(),
                        r.problem() == null ? "" : " (" + r.problem() + ")"));
    }

    private Uni<Result> page(long shopId, String shop, String query, String after, int pages, Result sofar) {
        Map<String, Object> variables = new HashMap<>();
        variables.put("first", config.pageSize());
        variables.put("query", query);
        // Newest first: when a run stops at its page limit, what it skipped is the older part of the
        // window, which earlier runs already covered.
        variables.put("reverse", true);
        if (after != null) {
            variables.put("after", after);
        }
        Instant readAt = Instant.now();
        return shopify.query(shop, "OrdersUpdatedSince", variables).chain(result -> {
            if (!(result instanceof ShopifyResult.Success success)) {
                return Uni.createFrom().item(new Result(shop, sofar.read(), sofar.applied(), result.message().en()));
            }
            JsonObject connection = success.data().getJsonObject("orders", new JsonObject());
            JsonArray nodes = connection.getJsonArray("edges", new JsonArray());
            Uni<Integer> applied = Uni.createFrom().item(0);
            java.util.List<Long> ids = new java.util.ArrayList<>();
            java.util.List<String> cursors = new java.util.ArrayList<>();
            for (int i = 0; i < nodes.size(); i++) {
                JsonObject edge = nodes.getJsonObject(i);
                OrderSnapshot snapshot = OrderSnapshot.fromGraphql(edge.getJsonObject("node"), readAt);
                ids.add(snapshot.shopifyId());
                cursors.add(edge.getString("cursor"));
                // A version newer than ours here is one no webhook brought: applyReconciled raises data_gap.
                applied = applied.chain(n -> orders.applyReconciled(shopId, snapshot)
                        .map(outcome -> outcome == OrderImportService.Outcome.APPLIED ? n + 1 : n));
            }
            applied = applied.call(() -> orders.rememberCursors(shopId, ids, cursors));
            JsonObject pageInfo = connection.getJsonObject("pageInfo", new JsonObject());
            return applied.chain(n -> {
                Result next = new Result(shop, sofar.read() + nodes.size(), sofar.applied() + n, null);
                if (pageInfo.getBoolean("hasNextPage", false)) {
                    if (pages + 1 < config.maxPages()) {
                        return page(shopId, shop, query, pageInfo.getString("endCursor"), pages + 1, next);
                    }
                    return Uni.createFrom().item(new Result(shop, next.read(), next.applied(), "stopped after the "
                            + next.read() + " most recently changed orders; older changes in the window were skipped"));
                }
                return Uni.createFrom().item(next);
            });
        });
    }
}
