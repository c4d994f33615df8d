package dev.storesync.webhooks;

import dev.storesync.kernel.Draining;
import dev.storesync.kernel.Instance;
import dev.storesync.kernel.ShutdownConfig;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
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
    private final ShutdownConfig shutdown;
    private final Instance instance;
    private final InboxWorker worker;

    public WebhookDispatcher(InboxRepository inbox, WebhookHandlers handlers, WebhookConfig config,
            ShutdownConfig shutdown, Instance instance, Vertx vertx) {
        this.inbox = inbox;
        this.config = config;
        this.shutdown = shutdown;
        this.instance = instance;
        // The instance id names the replica in attempted_by, where the rescuer matches it to heartbeats.
        this.worker = new InboxWorker(inbox, handlers, config.dispatcher(), vertx, instance.id());
    }

    // Readiness is down from here on (quarkus.shutdown.delay): stop taking work that others can take.
    void onShutdownDelay(@Observes ShutdownDelayInitiatedEvent event) {
        worker.stop();
    }

    /**
     * On stop: no new claims, the handlers that are running get {@code storesync.shutdown.drain-timeout}
     * to finish, and the rows claimed but not started go back to the inbox for the other replicas.
     */
    void onStop(@Observes ShutdownEvent event) {
        worker.stop();
        if (!config.dispatcher().enabled()) {
            return;
        }
        if (!Draining.awaitIdle(worker::idle, shutdown.drainTimeout())) {
            Log.warnf("Webhook dispatcher %s stops with handlers still running; their rows wait for the lease (%s)",
                    worker.name(), config.dispatcher().lease());
        }
        try {
            int released = worker.release().await().atMost(Duration.ofSeconds(5));
            if (released > 0) {
                Log.infof("Webhook dispatcher %s handed %d claimed inbox row(s) back before stopping", worker.name(),
                        released);
            }
        } catch (RuntimeException e) {
            Log.warnf("Webhook dispatcher %s could not hand its claimed rows back; they wait for the lease: %s",
                    worker.name(), e.toString());
        }
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

    @Scheduled(identity = "webhook-inbox-rescue", every = "${storesync.webhooks.dispatcher.rescue-interval:10s}",
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

    /** Returns rows of dead replicas or past their lease to retryable; returns how many were rescued. */
    public Uni<Integer> rescue() {
        return inbox.rescue(config.dispatcher().lease(), instance.heartbeatTimeoutMillis()).map(rescued -> {
            rescued.forEach(r -> Log.warnf("Webhook %s (%s) was claimed by a replica that died or ran past its lease "
                    + "of %s; now %s", r.webhookId(), r.topic(), config.dispatcher().lease(), r.state()));
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
