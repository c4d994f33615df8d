package dev.storesync.shipments.tracking;

import dev.storesync.kernel.JobLeases;
import dev.storesync.operations.alerts.AlertEvaluator;
import dev.storesync.operations.alerts.AlertHub;
import dev.storesync.shopify.client.ShopifyAdminClient;
import dev.storesync.shopify.client.ShopifyResult;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Every poll interval, on one replica: re-reads from Shopify the fulfillments of open orders that
 * still need tracking or have a shipment in transit (those with an open alert first, then the least
 * recently polled, bounded per run),
 * records what changed through the webhooks' code path, then re-evaluates the alerts and pings the
 * dashboards to refresh.
 */
@ApplicationScoped
public class TrackingPoller {

    static final String LEASE = "tracking-poll";

    /** What one run did. */
    public record Result(int orders, int recorded, int failed) {
    }

    private record Candidate(long orderId, long shopId, String shop, String orderGid) {
    }

    private final Pool pool;
    private final ShopifyAdminClient shopify;
    private final FulfillmentTracking tracking;
    private final JobLeases leases;
    private final AlertEvaluator alerts;
    private final AlertHub hub;
    private final TrackingConfig config;

    public TrackingPoller(Pool pool, ShopifyAdminClient shopify, FulfillmentTracking tracking, JobLeases leases,
            AlertEvaluator alerts, AlertHub hub, TrackingConfig config) {
        this.pool = pool;
        this.shopify = shopify;
        this.tracking = tracking;
        this.leases = leases;
        this.alerts = alerts;
        this.hub = hub;
        this.config = config;
    }

    @Scheduled(every = "${storesync.tracking.poll-interval:15M}", delayed = "1M",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        return leases.tryAcquire(LEASE, config.pollInterval().dividedBy(2))
                .chain(mine -> mine ? poll().replaceWithVoid() : Uni.createFrom().voidItem());
    }

    /** One run: the next batch of candidates, then the alert evaluation and a refresh ping. */
    public Uni<Result> poll() {
        return poll(null);
    }

    /** One run over a single shop's candidates (an operator refreshing one store's tracking). */
    public Uni<Result> pollShop(long shopId) {
        return poll(shopId);
    }

    private Uni<Result> poll(Long shopId) {
        return candidates(shopId).chain(candidates -> Multi.createFrom().iterable(candidates)
                .onItem().transformToUni(this::pollOrder).merge(config.pollConcurrency())
                .collect().asList()
                .map(counts -> new Result(candidates.size(), counts.stream().filter(n -> n > 0).mapToInt(Integer::intValue).sum(),
                        (int) counts.stream().filter(n -> n < 0).count())))
                .call(() -> alerts.evaluate())
                .call(() -> hub.refresh())
                .invoke(r -> Log.infof("Tracking poll: %d order(s) read, %d fulfillment change(s) recorded, %d read(s) failed",
                        r.orders(), r.recorded(), r.failed()));
    }

    // Marks the batch polled in the same statement that picks it, so two overlapping runs share the work.
    private Uni<List<Candidate>> candidates(Long shopId) {
        return pool.preparedQuery("""
                WITH picked AS (
                    SELECT o.id FROM orders o JOIN shops sh ON sh.id = o.shop_id
                    WHERE o.cancelled_at IS NULL AND sh.state = 'active' AND sh.access_token IS NOT NULL
                      AND ($2::bigint IS NULL OR o.shop_id = $2)
                      AND (o.needs_tracking OR o.transit_since IS NOT NULL OR o.fulfillment_status IS DISTINCT FROM 'fulfilled'
                           OR EXISTS (SELECT 1 FROM order_alerts a WHERE a.order_id = o.id AND a.cleared_at IS NULL
                                                                   AND a.kind IN ('tracking_pending', 'delayed')))
                    -- Orders with an open tracking_pending/delayed alert first: they are what operators watch.
                    ORDER BY EXISTS (SELECT 1 FROM order_alerts a WHERE a.order_id = o.id AND a.cleared_at IS NULL
                                                                  AND a.kind IN ('tracking_pending', 'delayed')) DESC,
                             o.tracking_polled_at NULLS FIRST, o.id
                    LIMIT $1
                    FOR UPDATE OF o SKIP LOCKED)
                UPDATE orders o SET tracking_polled_at = now() FROM picked, shops sh
                WHERE o.id = picked.id AND sh.id = o.shop_id
                RETURNING o.id, o.shop_id, sh.domain, o.gid""")
                .execute(Tuple.of(config.pollBatchSize(), shopId)).map(rows -> {
                    List<Candidate> out = new ArrayList<>();
                    for (Row r : rows) {
                        out.add(new Candidate(r.getLong("id"), r.getLong("shop_id"), r.getString("domain"), r.getString("gid")));
                    }
                    return out;
                });
    }

    /** Changes recorded for the order, or -1 when Shopify could not be read. */
    private Uni<Integer> pollOrder(Candidate c) {
        return shopify.query(c.shop(), "OrderFulfillmentsTracking", Map.of("id", c.orderGid())).chain(result -> {
            if (!(result instanceof ShopifyResult.Success success)) {
                Log.debugf("Tracking poll of %s: %s", c.orderGid(), result.message().en());
                return Uni.createFrom().item(-1);
            }
            JsonObject order = success.data().getJsonObject("order");
            if (order == null) {
                return Uni.createFrom().item(0);
            }
            JsonArray fulfillments = order.getJsonArray("fulfillments", new JsonArray());
            Uni<Integer> chain = Uni.createFrom().item(0);
            for (int i = 0; i < fulfillments.size(); i++) {
                FulfillmentReport report = FulfillmentReport.fromGraphql(c.orderGid(), fulfillments.getJsonObject(i));
                chain = chain.chain(n -> tracking.record(c.shopId(), report)
                        .map(outcome -> outcome == FulfillmentTracking.Outcome.RECORDED ? n + 1 : n));
            }
            return chain;
        }).onFailure().recoverWithItem(failure -> {
            Log.warnf("Tracking poll of %s failed: %s", c.orderGid(), failure.toString());
            return -1;
        });
    }
}
