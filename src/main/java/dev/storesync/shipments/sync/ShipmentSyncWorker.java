package dev.storesync.shipments.sync;

import dev.storesync.kernel.Draining;
import dev.storesync.kernel.Instance;
import dev.storesync.kernel.ShutdownConfig;
import dev.storesync.shipments.FulfillmentConfig;
import dev.storesync.shipments.ShipmentRepository;
import dev.storesync.shipments.ShipmentRepository.Claim;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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
    private final ShutdownConfig shutdown;
    private final Instance instance;
    private final AtomicBoolean draining = new AtomicBoolean();
    private final AtomicBoolean again = new AtomicBoolean();
    /** Claims taken and not yet finished, and among them those whose sync is under way. */
    private final Set<Claim> held = ConcurrentHashMap.newKeySet();
    private final Set<Claim> syncing = ConcurrentHashMap.newKeySet();
    private volatile boolean stopped;

    public ShipmentSyncWorker(ShipmentRepository shipments, FulfillmentSync sync, FulfillmentConfig config,
            ShutdownConfig shutdown, Instance instance) {
        this.shipments = shipments;
        this.sync = sync;
        this.config = config;
        this.shutdown = shutdown;
        this.instance = instance;
    }

    // Readiness is down from here on (quarkus.shutdown.delay): stop taking work that others can take.
    void onShutdownDelay(@Observes ShutdownDelayInitiatedEvent event) {
        stopped = true;
    }

    /**
     * On stop: no new claims, syncs under way get {@code storesync.shutdown.drain-timeout} to finish,
     * and claims not started are dropped so another replica syncs those shipments at once.
     */
    void onStop(@Observes ShutdownEvent event) {
        stopped = true;
        if (!Draining.awaitIdle(syncing::isEmpty, shutdown.drainTimeout())) {
            Log.warnf("Stopping with %d shipment sync(s) still under way; they wait for their lease (%s)",
                    syncing.size(), config.lease());
        }
        try {
            int released = release().await().atMost(Duration.ofSeconds(5));
            if (released > 0) {
                Log.infof("Handed %d claimed shipment(s) back before stopping", released);
            }
        } catch (RuntimeException e) {
            Log.warnf("Could not hand claimed shipments back; they wait for their lease: %s", e.toString());
        }
    }

    /**
     * Drops this worker's claims on shipments whose sync has not started (after {@link #stop()}), so
     * any replica can claim them now; returns how many. A sync under way keeps its claim.
     */
    public Uni<Integer> release() {
        List<Claim> idle = held.stream().filter(c -> !syncing.contains(c)).toList();
        return shipments.release(idle).invoke(() -> held.removeAll(idle));
    }

    /** Stops claiming and starting syncs; syncs under way go on. */
    public void stop() {
        stopped = true;
    }

    @Scheduled(every = "${storesync.fulfillment.poll-interval:10S}", delayed = "2s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> poll() {
        return drain();
    }

    /** Asks for a round now (after a registration or a Shopify signal); never waits for it. */
    public void wake() {
        if (stopped) {
            return;
        }
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
        if (stopped) {
            return Uni.createFrom().item(0);
        }
        return shipments.claimDue(config.batchSize(), config.lease(), instance.id(), instance.heartbeatTimeoutMillis())
                .chain(claims -> {
                    held.addAll(claims);
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
            chain = chain.chain(() -> {
                if (stopped) {
                    // Not started: release() hands it back.
                    return Uni.createFrom().voidItem();
                }
                syncing.add(claim);
                return sync.sync(claim).ifNoItem().after(config.lease()).fail().onFailure().recoverWithUni(e -> {
                    Log.errorf(e, "Shipment %d: sync failed unexpectedly; it will be retried after its lease",
                            claim.shipmentId());
                    return Uni.createFrom().voidItem();
                }).eventually(() -> {
                    syncing.remove(claim);
                    held.remove(claim);
                });
            });
        }
        return chain;
    }
}
