package dev.storesync.webhooks;

import io.smallrye.mutiny.Uni;
import java.util.Set;

/**
 * Processes inbox deliveries of some topics. Implement it as an {@code @ApplicationScoped} or
 * {@code @Singleton} bean and it is registered by itself; each topic may have one handler only.
 * <p>
 * Deliveries repeat (Shopify delivers at least once, admins replay, a lost lease reruns a row) and
 * arrive in any order, so a handler must be idempotent and should treat a payload as "this
 * resource changed". A failed {@link Uni} is retried with backoff and, after the configured number
 * of attempts, discarded. Each call runs on its own Vert.x duplicated context, so
 * {@code @WithTransaction}/{@code @WithSession} methods can be called from it.
 */
public interface WebhookHandler {

    /** The topics handled, as Shopify names them, e.g. {@code orders/create}. */
    Set<String> topics();

    /**
     * Whether shops are subscribed to these topics at install. False for topics Shopify does not
     * send through subscriptions (compliance topics are excluded anyway).
     */
    default boolean subscribable() {
        return true;
    }

    /** Does the work for one delivery. Never block: return a {@link Uni}. */
    Uni<Void> handle(InboxDelivery delivery);
}
