package dev.storesync.shipments.sync;

import dev.storesync.shipments.FulfillmentConfig;
import dev.storesync.shipments.ShipmentRepository;
import dev.storesync.shipments.ShipmentRepository.Claim;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
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

    private final ShipmentRepository shipments;
    private final FulfillmentSync sync;
    private final FulfillmentConfig config;
    private final AtomicBoolean draining = new AtomicBoolean();
    private final AtomicBoolean again = new AtomicBoolean();

    public ShipmentSyncWorker(ShipmentRepository shipments, FulfillmentSync sync, FulfillmentConfig config) {
        this.shipments = shipments;
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
        return shipments.claimDue(config.batchSize(), config.lease())
                .chain(claims -> {
                    Map<Long, List<Claim>> byOrder = new LinkedHashMap<>();
                    claims.forEach(c -> byOrder.computeIfAbsent(c.orderId(), k -> new ArrayList<>()).add(c));
                    int claimed = claims.size();
                    if (claimed == 0) {
                        return Uni.createFrom().item(0);
                    }
                    return Multi.createFrom().iterable(byOrder.values())
                            .onItem().transformToUni(this::syncInTurn).merge(config.orderConcurrency())
                            .collect().last().replaceWith(claimed);
                });
    }

    // Shipments of one order go one after another: each changes the FOs' remaining quantities.
    private Uni<Void> syncInTurn(List<Claim> claims) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (Claim claim : claims) {
            // Bounded by the lease: past it the claim is another worker's anyway, and a round that never
            // ended would keep this replica from syncing at all.
            chain = chain.chain(() -> sync.sync(claim).ifNoItem().after(config.lease()).fail().onFailure().recoverWithUni(e -> {
                Log.errorf(e, "Shipment %d: sync failed unexpectedly; it will be retried after its lease",
                        claim.shipmentId());
                return Uni.createFrom().voidItem();
            }));
        }
        return chain;
    }
}
