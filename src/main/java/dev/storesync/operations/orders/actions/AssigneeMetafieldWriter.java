package dev.storesync.operations.orders.actions;

import dev.storesync.shopify.client.ShopifyAdminClient;
import dev.storesync.shopify.client.ShopifyResult;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Drains the {@code shopify.metafield_set} entries of the outbox into Shopify's {@code metafieldsSet},
 * when {@code assignee-metafield.enabled} is on (off by default: the seed keeps metafields
 * read-only). Entries are claimed with {@code SKIP LOCKED} and a lease, so every replica may run
 * it. It writes the order's assignee as it is when sent, not the value of the entry: two entries
 * of one order sent out of order on two replicas still leave Shopify with the current assignee.
 * {@code metafieldsSet} sets a value, so a resend after an unclear failure duplicates nothing.
 */
@ApplicationScoped
public class AssigneeMetafieldWriter {

    static final String EVENT_TYPE = "shopify.metafield_set";
    private static final int BATCH = 20;
    private static final int LEASE_SECONDS = 120;
    private static final int MAX_ATTEMPTS = 10;

    private static final String CLAIM = """
            WITH due AS (
                SELECT id FROM outbox_events
                WHERE event_type = 'shopify.metafield_set'
                  AND ((state = 'pending' AND next_attempt_at <= now()) OR (state = 'running' AND claimed_until < now()))
                ORDER BY created_at LIMIT $1 FOR UPDATE SKIP LOCKED)
            UPDATE outbox_events e SET state = 'running', claimed_until = now() + make_interval(secs => $2),
                                       claim_token = $3, attempts = e.attempts + 1
            FROM due WHERE e.id = due.id
            RETURNING e.id, e.payload, e.attempts, e.created_at""";

    private final Pool pool;
    private final ShopifyAdminClient shopify;
    private final OrderActionsConfig config;

    public AssigneeMetafieldWriter(Pool pool, ShopifyAdminClient shopify, OrderActionsConfig config) {
        this.pool = pool;
        this.shopify = shopify;
        this.config = config;
    }

    @Scheduled(every = "${storesync.operations.orders.actions.assignee-metafield.interval:10S}", delayed = "2s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> tick() {
        if (!config.assigneeMetafield().enabled()) {
            return Uni.createFrom().voidItem();
        }
        return drain().onFailure().invoke(e -> Log.warnf(e, "Assignee metafield writer round failed; retrying next tick"))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    /** Sends every due entry, batch after batch; answers how many were handled. */
    Uni<Integer> drain() {
        UUID token = UUID.randomUUID();
        return pool.preparedQuery(CLAIM).execute(Tuple.of(BATCH, LEASE_SECONDS, token)).chain(rows -> {
            List<Row> claimed = new ArrayList<>();
            rows.forEach(claimed::add);
            claimed.sort(java.util.Comparator.comparing(r -> r.getOffsetDateTime("created_at")));
            if (claimed.isEmpty()) {
                return Uni.createFrom().item(0);
            }
            return Multi.createFrom().iterable(claimed)
                    .onItem().transformToUniAndConcatenate(r -> send(r, token))
                    .collect().asList()
                    .chain(done -> drain().map(more -> more + done.size()));
        });
    }

    private Uni<Void> send(Row row, UUID token) {
        UUID id = row.getUUID("id");
        int attempts = row.getInteger("attempts");
        JsonObject p = (JsonObject) row.getValue("payload");
        String shop = p.getString("shop");
        if (shop == null || p.getString("ownerId") == null || p.getString("key") == null) {
            return discard(id, token, attempts, "entry without shop, ownerId or key");
        }
        return pool.preparedQuery("""
                SELECT o.assigned_to FROM orders o JOIN shops s ON s.id = o.shop_id WHERE o.gid = $1 AND s.domain = $2""")
                .execute(Tuple.of(p.getString("ownerId"), shop))
                .map(rows -> rows.rowCount() == 0 ? null : rows.iterator().next().getString("assigned_to"))
                .chain(current -> {
                    Map<String, Object> metafield = Map.of("ownerId", p.getString("ownerId"),
                            "namespace", p.getString("namespace", "storesync"), "key", p.getString("key"),
                            "type", p.getString("type", "single_line_text_field"),
                            "value", current != null ? current : p.getString("value", ""));
                    return shopify.query(shop, "AssigneeMetafieldSet", Map.of("metafields", List.of(metafield)));
                })
                .chain(result -> finish(id, token, attempts, result))
                // An unexpected failure of one entry waits like a transient one and never stops the batch.
                .onFailure().recoverWithUni(e -> retryLater(id, token, attempts, String.valueOf(e.getMessage())));
    }

    private Uni<Void> finish(UUID id, UUID token, int attempts, ShopifyResult result) {
        if (result instanceof ShopifyResult.Success) {
            return pool.preparedQuery("""
                    UPDATE outbox_events SET state = 'delivered', finished_at = now(), claimed_until = NULL,
                                             claim_token = NULL, last_error = NULL
                    WHERE id = $1 AND claim_token = $2""").execute(Tuple.of(id, token)).replaceWithVoid();
        }
        String error = result.message().en();
        return result.retryable() ? retryLater(id, token, attempts, error) : discard(id, token, attempts, error);
    }

    private Uni<Void> discard(UUID id, UUID token, int attempts, String error) {
        Log.warnf("Assignee metafield entry %s discarded after %d attempt(s): %s", id, attempts, error);
        return pool.preparedQuery("""
                UPDATE outbox_events SET state = 'discarded', finished_at = now(), claimed_until = NULL,
                                         claim_token = NULL, last_error = $3
                WHERE id = $1 AND claim_token = $2""").execute(Tuple.of(id, token, error)).replaceWithVoid();
    }

    // 1, 2, 4 … minutes, at most an hour; discarded after MAX_ATTEMPTS.
    private Uni<Void> retryLater(UUID id, UUID token, int attempts, String error) {
        if (attempts >= MAX_ATTEMPTS) {
            return discard(id, token, attempts, error);
        }
        int delay = (int) Math.min(3600, 60L << Math.min(attempts - 1, 6));
        return pool.preparedQuery("""
                UPDATE outbox_events SET state = 'pending', next_attempt_at = now() + make_interval(secs => $3),
                                         claimed_until = NULL, claim_token = NULL, last_error = $4
                WHERE id = $1 AND claim_token = $2""").execute(Tuple.of(id, token, delay, error)).replaceWithVoid();
    }
}
