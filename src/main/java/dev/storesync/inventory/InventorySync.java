package dev.storesync.inventory;

import dev.storesync.kernel.ProblemException;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/**
 * Starts sweeps (Sync Now, per-partner re-sync, external cron, schedule): the trigger is answered
 * with the run id at once and the sweep runs in the background, partner after partner, one
 * partner's failure never stopping the others. One run at a time cluster-wide (see {@link SyncRuns});
 * after each partner its alerts are re-evaluated.
 */
@ApplicationScoped
public class InventorySync {

    private final OwnerShop owner;
    private final Partners partners;
    private final ProductMappings mappings;
    private final SyncRuns runs;
    private final InventorySweep sweep;
    private final InventoryAlerts alerts;
    private final InventoryConfig config;

    InventorySync(OwnerShop owner, Partners partners, ProductMappings mappings, SyncRuns runs, InventorySweep sweep,
            InventoryAlerts alerts, InventoryConfig config) {
        this.owner = owner;
        this.partners = partners;
        this.mappings = mappings;
        this.runs = runs;
        this.sweep = sweep;
        this.alerts = alerts;
        this.config = config;
    }

    /** Sync Now for every active partner, or (re-sync) for one partner; null partnerId means all. */
    public Uni<InventoryDtos.SyncAccepted> syncNow(Long partnerId) {
        return start(partnerId == null ? "sync_now" : "partner_resync", partnerId);
    }

    /** A run of every active partner asked for by an external cron job. */
    public Uni<InventoryDtos.SyncAccepted> cron() {
        return start("cron", null);
    }

    /**
     * Starts the scheduled run when it is due (see {@link SyncRuns#startScheduled}); the run's id,
     * or null when none started. Nothing is due while no owner shop is set.
     */
    Uni<Long> startScheduled() {
        return owner.get().chain(o -> o == null ? Uni.createFrom().nullItem()
                : runs.startScheduled(config.runLease()).invoke(runId -> {
                    if (runId != null) {
                        Log.infof("Inventory sync run %d started (schedule)", runId);
                        launch(runId, null);
                    }
                }));
    }

    private Uni<InventoryDtos.SyncAccepted> start(String trigger, Long partnerId) {
        Uni<Void> checked = owner.get().chain(o -> {
            if (o == null) {
                throw ProblemException.conflict("No owner shop is set: PUT /admin/inventory/owner first");
            }
            if (partnerId == null) {
                return Uni.createFrom().voidItem();
            }
            return partners.get(partnerId).map(p -> {
                if (p == null) {
                    throw ProblemException.notFound("No partner with id " + partnerId);
                }
                if (!p.active()) {
                    throw ProblemException.conflict("Partner " + partnerId + " is not active");
                }
                return null;
            });
        });
        return checked.chain(() -> runs.start(trigger, partnerId, config.runLease())).map(start -> {
            if (start.started()) {
                Log.infof("Inventory sync run %d started (%s)", start.runId(), trigger);
                launch(start.runId(), partnerId);
            }
            return new InventoryDtos.SyncAccepted(start.runId(), !start.started());
        });
    }

    /** Detached on purpose: the trigger is answered now, the run records its own end. */
    private void launch(long runId, Long partnerId) {
        run(runId, partnerId).subscribe().with(ignored -> { },
                e -> Log.errorf(e, "Inventory sync run %d could not record its end", runId));
    }

    private Uni<Void> run(long runId, Long partnerId) {
        return owner.forRun().chain(o -> partners.forRun(partnerId)
                        .call(list -> runs.recordTotals(runId, list.stream().map(Partners.Partner::id).toList()))
                        .chain(list -> Multi.createFrom().iterable(list)
                        .onItem().transformToUniAndConcatenate(p -> sweepOne(runId, o, p)).collect().asList()))
                .chain(outcomes -> {
                    String outcome = outcomeOf(outcomes);
                    Log.infof("Inventory sync run %d %s: %d partner(s), %d item(s) changed", runId, outcome,
                            outcomes.size(), outcomes.stream().mapToInt(InventorySweep.PartnerOutcome::changed).sum());
                    return runs.finish(runId, outcome, null);
                })
                .onFailure().call(e -> {
                    Log.warnf("Inventory sync run %d failed: %s", runId, e.getMessage());
                    return runs.finish(runId, "failed", e.getMessage());
                });
    }

    private Uni<InventorySweep.PartnerOutcome> sweepOne(long runId, OwnerShop.Owner o, Partners.Partner p) {
        long started = System.nanoTime();
        int[] mapped = {0};
        return mappings.activeFor(p.id()).invoke(list -> mapped[0] = list.size())
                .chain(list -> sweep.sweep(p, o, list, InventorySweep.WriteScope.run(runId)))
                .onFailure().recoverWithItem(e -> {
                    Log.warnf(e, "Inventory sync of partner %d failed unexpectedly", p.id());
                    return InventorySweep.PartnerOutcome.failed(p.id(), (System.nanoTime() - started) / 1_000_000,
                            "unexpected error; see the service log");
                })
                .call(outcome -> runs.recordPartner(runId, outcome, mapped[0]))
                .call(outcome -> alerts.evaluate(runId, p, outcome).onFailure().recoverWithItem(e -> {
                    Log.warnf(e, "Inventory alerts of partner %d could not be updated after run %d", p.id(), runId);
                    return null;
                }))
                .invoke(outcome -> Log.infof("Partner %d (%s) %s: %d checked, %d changed, %d unchanged, %d failed%s",
                        p.id(), p.displayName(), outcome.status(), outcome.checked(), outcome.changed(),
                        outcome.unchanged(), outcome.failures().size(),
                        outcome.error() == null ? "" : " (" + outcome.error() + ")"));
    }

    static String outcomeOf(List<InventorySweep.PartnerOutcome> outcomes) {
        if (outcomes.stream().allMatch(o -> o.status().equals("healthy"))) {
            return "succeeded";
        }
        return outcomes.stream().allMatch(o -> o.status().equals("failed")) ? "failed" : "partial";
    }
}
