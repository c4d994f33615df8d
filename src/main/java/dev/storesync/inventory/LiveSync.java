package dev.storesync.inventory;

import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Live updates between sweeps: claims the due items of {@link LiveQueue} and re-syncs them through
 * the sweep's own path ({@link InventorySweep}: read the partner, read the owner, write what differs
 * with changeFromQuantity and an idempotency key), one partner at a time, ⌈items/250⌉ calls per side.
 * Results go to the minute's live run ({@link SyncRuns#recordLive}). Live syncs run beside a sweep:
 * both compare against the owner value they read, so neither overwrites the other blindly. Every
 * replica polls; the claim gives each item to one of them. A delivery also wakes this replica when
 * its item falls due, so an update does not wait for the next poll.
 */
@ApplicationScoped
public class LiveSync {

    private final LiveQueue queue;
    private final OwnerShop owner;
    private final Partners partners;
    private final ProductMappings mappings;
    private final InventorySweep sweep;
    private final SyncRuns runs;
    private final InventoryConfig.Live config;
    private final AtomicBoolean draining = new AtomicBoolean();
    private final AtomicBoolean wanted = new AtomicBoolean();
    private final Vertx vertx;

    LiveSync(LiveQueue queue, OwnerShop owner, Partners partners, ProductMappings mappings, InventorySweep sweep,
            SyncRuns runs, InventoryConfig config, Vertx vertx) {
        this.vertx = vertx;
        this.queue = queue;
        this.owner = owner;
        this.partners = partners;
        this.mappings = mappings;
        this.sweep = sweep;
        this.runs = runs;
        this.config = config.live();
    }

    @Scheduled(identity = "inventory-live-poll", every = "${storesync.inventory.live.poll-interval:1S}",
            delayed = "1S", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> poll() {
        if (!config.enabled()) {
            return Uni.createFrom().voidItem();
        }
        if (!draining.compareAndSet(false, true)) {
            // A drain is under way: it goes round once more, so an item due meanwhile does not wait for the poll.
            wanted.set(true);
            return Uni.createFrom().voidItem();
        }
        wanted.set(false);
        return drain().onFailure().recoverWithItem(e -> {
            Log.warnf("Live inventory sync could not run: %s", e.toString());
            return 0;
        }).eventually(() -> {
            draining.set(false);
            if (wanted.getAndSet(false)) {
                poll().subscribe().with(ignored -> { });
            }
        }).replaceWithVoid();
    }

    /** Runs a drain on this replica once the debounce of an item just queued has passed. */
    void wakeAfterDebounce() {
        vertx.setTimer(Math.max(1, config.debounce().toMillis() + 20), id -> poll().subscribe().with(ignored -> { }));
    }

    /** Syncs due items batch after batch until none is due; returns how many were claimed. */
    Uni<Integer> drain() {
        return Multi.createBy().repeating().uni(this::runBatch).whilst(count -> count == InventorySweep.BATCH)
                .collect().in(() -> new int[1], (sum, n) -> sum[0] += n).map(sum -> sum[0]);
    }

    private Uni<Integer> runBatch() {
        return queue.claim(InventorySweep.BATCH, config.lease()).chain(claimed -> {
            if (claimed.isEmpty()) {
                return Uni.createFrom().item(0);
            }
            Map<Long, List<LiveQueue.Claimed>> byPartner = new LinkedHashMap<>();
            claimed.forEach(c -> byPartner.computeIfAbsent(c.partnerId(), k -> new ArrayList<>()).add(c));
            return owner.forRun().chain(o -> partners.active(List.copyOf(byPartner.keySet())).chain(active -> {
                Map<Long, Partners.Partner> found = new LinkedHashMap<>();
                active.forEach(p -> found.put(p.id(), p));
                return Multi.createFrom().iterable(byPartner.entrySet()).onItem()
                        .transformToUniAndConcatenate(e -> syncPartner(o, found.get(e.getKey()), e.getValue()))
                        .collect().asList();
            })).onFailure().call(e -> {
                // No owner, or the database failed: nothing was synced; the items wait and are tried again.
                Log.warnf("Live inventory sync of %d item(s) postponed: %s", claimed.size(), e.getMessage());
                return queue.retryLater(claimed, config.retryCap());
            }).onFailure().recoverWithItem(List.of()).replaceWith(claimed.size());
        });
    }

    private Uni<Void> syncPartner(OwnerShop.Owner o, Partners.Partner partner, List<LiveQueue.Claimed> items) {
        if (partner == null) {
            // Deactivated since the delivery: nothing to sync.
            return queue.done(items, config.debounce());
        }
        List<Long> ids = items.stream().map(LiveQueue.Claimed::mappingId).toList();
        InventorySweep.WriteScope scope = new InventorySweep.WriteScope("live/" + UUID.randomUUID());
        return mappings.activeAmong(partner.id(), ids).chain(list -> list.isEmpty()
                ? queue.done(items, config.debounce())
                : sweep.sweep(partner, o, list, scope).chain(outcome -> {
                    if ("failed".equals(outcome.status())) {
                        // The partner or the owner could not be read or written: nothing is lost, the items wait.
                        Log.warnf("Live sync of partner %d failed, retried later: %s", partner.id(), outcome.error());
                        return runs.recordLive(outcome).chain(() -> queue.retryLater(items, config.retryCap()));
                    }
                    Instant now = Instant.now();
                    long oldest = items.stream().mapToLong(c -> Duration.between(c.firstSeenAt(), now).toMillis())
                            .max().orElse(0);
                    Log.debugf("Live sync of partner %d: %d item(s), %d changed, %d failed, oldest delivery %d ms ago",
                            partner.id(), outcome.checked(), outcome.changed(), outcome.failures().size(), oldest);
                    return runs.recordLive(outcome).chain(() -> queue.done(items, config.debounce()));
                }));
    }
}
