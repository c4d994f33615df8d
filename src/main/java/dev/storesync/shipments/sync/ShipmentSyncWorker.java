package dev.storesync.shipments.sync;

import dev.storesync.shipments.FulfillmentConfig;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Syncs due shipments to Shopify. Each replica claims due rows with {@code FOR UPDATE SKIP LOCKED}
 * and marks them claimed for a lease, so replicas never sync one shipment at the same time (even
 * when a webhook makes it due again mid-sync) and a replica that dies leaves it claimable later.
 * Shipments of paused or uninstalled shops are not claimed: they wait, and sync once the shop is
 * active again. Registrations and
 * Shopify's "fulfillment order ready" webhooks wake the worker; the poll is the safety net.
 */
@ApplicationScoped
public class ShipmentSyncWorker {

    private static final String CLAIM = """
            WITH due AS (
                SELECT s.id FROM shipments s
                WHERE s.sync_status = 'pending' AND s.status = 'shipped' AND s.sync_pending_until <= now()
                  AND (s.sync_claimed_until IS NULL OR s.sync_claimed_until < now())
                  AND EXISTS (SELECT 1 FROM orders o JOIN shops sh ON sh.id = o.shop_id
                              WHERE o.id = s.order_id AND sh.state = 'active')
                ORDER BY s.sync_pending_until, s.id
                LIMIT $1
                FOR UPDATE OF s SKIP LOCKED)
            UPDATE shipments s SET sync_claimed_until = now() + $2 * interval '1 millisecond',
                   sync_claim_token = gen_random_uuid(), sync_nudged_at = NULL, updated_at = now()
            FROM due WHERE s.id = due.id
            RETURNING s.id, s.order_id, s.sync_claim_token""";

    private final Pool pool;
    private final FulfillmentSync sync;
    private final FulfillmentConfig config;
    private final AtomicBoolean draining = new AtomicBoolean();
    private final AtomicBoolean again = new AtomicBoolean();

    public ShipmentSyncWorker(Pool pool, FulfillmentSync sync, FulfillmentConfig config) {
        this.pool = pool;
        this.sync = sync;
        this.config = config;
    }

    @Scheduled(every = "${storesync.fulfillment.poll-interval:10S}", delayed = "2s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> poll() {
        return drain();
    }

    /** Asks for a round now (after a registration or a Shopify signal); never waits for it. */
    public void wake() {
        drain().subscribe().with(ignored -> {
        }, e -> Log.warn("Shipment sync round failed", e));
    }

    /** Runs rounds until nothing is due; a wake during a round causes one more round. */
    Uni<Void> drain() {
        if (!draining.compareAndSet(false, true)) {
            again.set(true);
            return Uni.createFrom().voidItem();
        }
        again.set(false);
        return roundsUntilIdle().eventually(() -> {
            draining.set(false);
            if (again.getAndSet(false)) {
                wake();
            }
        });
    }

    private Uni<Void> roundsUntilIdle() {
        return round().chain(claimed -> claimed >= config.batchSize() ? roundsUntilIdle() : Uni.createFrom().voidItem());
    }

    /** Claims one batch and syncs it; returns how many shipments were claimed. */
    public Uni<Integer> round() {
        return pool.preparedQuery(CLAIM).execute(Tuple.of(config.batchSize(), config.lease().toMillis()))
                .chain(rows -> {
                    Map<Long, List<FulfillmentSync.Claim>> byOrder = new LinkedHashMap<>();
                    rows.forEach(r -> byOrder.computeIfAbsent(r.getLong("order_id"), k -> new ArrayList<>())
                            .add(new FulfillmentSync.Claim(r.getLong("id"), r.getUUID("sync_claim_token"))));
                    int claimed = rows.rowCount();
                    if (claimed == 0) {
                        return Uni.createFrom().item(0);
                    }
                    return Multi.createFrom().iterable(byOrder.values())
                            .onItem().transformToUni(this::syncInTurn).merge(config.orderConcurrency())
                            .collect().last().replaceWith(claimed);
                });
    }

    // Shipments of one order go one after another: each changes the FOs' remaining quantities.
    private Uni<Void> syncInTurn(List<FulfillmentSync.Claim> claims) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (FulfillmentSync.Claim claim : claims) {
            chain = chain.chain(() -> sync.sync(claim).onFailure().recoverWithUni(e -> {
                Log.errorf(e, "Shipment %d: sync failed unexpectedly; it will be retried after its lease",
                        claim.shipmentId());
                return Uni.createFrom().voidItem();
            }));
        }
        return chain;
    }
}
