package dev.storesync.webhooks;

import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.lang.management.ManagementFactory;
import java.util.stream.Collectors;

/**
 * This replica's inbox dispatcher and the inbox's upkeep. Polling is a safety net: new deliveries
 * {@link #nudge() nudge} the worker at once. Rescue and prune run on every replica on purpose:
 * each is one guarded statement, so two replicas doing it at once do the work once.
 */
@ApplicationScoped
public class WebhookDispatcher {

    private final InboxRepository inbox;
    private final WebhookConfig config;
    private final InboxWorker worker;

    public WebhookDispatcher(InboxRepository inbox, WebhookHandlers handlers, WebhookConfig config, Vertx vertx) {
        this.inbox = inbox;
        this.config = config;
        // "pid@host" names the replica in attempted_by and in lease-expiry errors.
        this.worker = new InboxWorker(inbox, handlers, config.dispatcher(), vertx,
                ManagementFactory.getRuntimeMXBean().getName());
    }

    void onStop(@Observes ShutdownEvent event) {
        worker.stop();
    }

    /** Asks for the inbox to be drained now; returns at once. */
    public void nudge() {
        if (config.dispatcher().enabled()) {
            worker.nudge();
        }
    }

    @Scheduled(identity = "webhook-inbox-poll", every = "${storesync.webhooks.dispatcher.poll-interval:1s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> poll() {
        nudge();
        return Uni.createFrom().voidItem();
    }

    @Scheduled(identity = "webhook-inbox-rescue", every = "${storesync.webhooks.dispatcher.rescue-interval:30s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduledRescue() {
        if (!config.dispatcher().enabled()) {
            return Uni.createFrom().voidItem();
        }
        return rescue().replaceWithVoid().onFailure().recoverWithItem(failure -> {
            Log.warnf("Inbox lease rescue failed: %s", failure.toString());
            return null;
        });
    }

    @Scheduled(identity = "webhook-inbox-prune", every = "${storesync.webhooks.prune-interval:1h}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduledPrune() {
        return prune().replaceWithVoid().onFailure().recoverWithItem(failure -> {
            Log.warnf("Inbox prune failed: %s", failure.toString());
            return null;
        });
    }

    /** Returns rows whose lease expired to retryable; returns how many were rescued. */
    public Uni<Integer> rescue() {
        return inbox.rescue(config.dispatcher().lease()).map(rescued -> {
            rescued.forEach(r -> Log.warnf("Webhook %s (%s) was running past its lease of %s; now %s", r.webhookId(),
                    r.topic(), config.dispatcher().lease(), r.state()));
            if (!rescued.isEmpty()) {
                nudge();
            }
            return rescued.size();
        });
    }

    /** Deletes finished rows older than the retention, batch by batch; returns how many. */
    public Uni<Integer> prune() {
        int batch = config.pruneBatchSize();
        return Multi.createBy().repeating().uni(() -> inbox.prune(config.retention(), batch))
                .whilst(deleted -> deleted == batch)
                .collect().with(Collectors.summingInt(Integer::intValue))
                .invoke(total -> {
                    if (total > 0) {
                        Log.infof("Pruned %d finished webhook inbox row(s) older than %s", total, config.retention());
                    }
                });
    }
}
