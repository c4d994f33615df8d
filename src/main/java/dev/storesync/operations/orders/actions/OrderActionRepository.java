package dev.storesync.operations.orders.actions;

import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The SQL of the dashboard's actions: assignments, support threads, returns and stored answers of
 * idempotent requests. Every method runs on the caller's transaction.
 */
@ApplicationScoped
public class OrderActionRepository {

    /** An order as an action sees it, read under the order's row lock. */
    public record OrderRow(long id, String gid, String name, boolean cancelled, String assignedTo, String returnState,
            String returnLastAction, UUID supportThread) {
    }

    /** A request stored under its Idempotency-Key. */
    public record Stored(String action, String fingerprint, int status, JsonObject response) {
    }

    public Uni<Long> shopId(SqlClient c, String domain) {
        return c.preparedQuery("SELECT id FROM shops WHERE domain = $1").execute(Tuple.of(domain))
                .map(rows -> rows.rowCount() == 0 ? null : rows.iterator().next().getLong("id"));
    }

    /**
     * The order's id for a GID, a number (the Shopify id first, else the name #number) or a name
     * with or without '#', within the shop; null when there is none.
     */
    public Uni<Long> resolve(SqlClient c, long shopId, String ref) {
        String gid = ref.startsWith("gid://") ? ref : null;
        Long numeric = ref.matches("^[0-9]{1,18}$") ? Long.valueOf(ref) : null;
        String name = ref.startsWith("#") ? ref : "#" + ref;
        return c.preparedQuery("""
                SELECT o.id FROM orders o
                WHERE o.shop_id = $1
                  AND (o.gid = $2 OR o.shopify_id = $3 OR ($2::text IS NULL AND (o.name = $4 OR o.name = $5)))
                ORDER BY CASE WHEN o.gid = $2 OR o.shopify_id = $3 THEN 0 ELSE 1 END LIMIT 1""")
                .execute(Tuple.tuple().addLong(shopId).addString(gid).addLong(numeric).addString(name).addString(ref))
                .map(rows -> rows.rowCount() == 0 ? null : rows.iterator().next().getLong("id"));
    }

    /** Locks the orders in id order (as every multi-order writer must, so two never deadlock) and reads them. */
    public Uni<List<OrderRow>> lock(SqlClient c, List<Long> ids) {
        return c.preparedQuery("""
                SELECT id, gid, name, cancelled_at IS NOT NULL AS cancelled, assigned_to, return_state,
                       return_last_action, support_thread_id
                FROM orders WHERE id = ANY ($1) ORDER BY id FOR UPDATE""")
                .execute(Tuple.of(ids.toArray(Long[]::new))).map(rows -> {
                    List<OrderRow> out = new ArrayList<>();
                    for (Row r : rows) {
                        out.add(new OrderRow(r.getLong("id"), r.getString("gid"), r.getString("name"),
                                r.getBoolean("cancelled"), r.getString("assigned_to"), r.getString("return_state"),
                                r.getString("return_last_action"), r.getUUID("support_thread_id")));
                    }
                    return out;
                });
    }

    /** Makes {@code assignee} the order's current assignee and records who did it, with which key. */
    public Uni<Void> assign(SqlClient c, long orderId, String assignee, String previous, String reason, String by,
            Long apiKeyId) {
        return c.preparedQuery("UPDATE orders SET assigned_to = $2 WHERE id = $1").execute(Tuple.of(orderId, assignee))
                .chain(() -> c.preparedQuery("""
                        INSERT INTO order_assignments (order_id, assignee, previous, reason, assigned_by, api_key_id)
                        VALUES ($1, $2, $3, $4, $5, $6)""")
                        .execute(Tuple.tuple().addLong(orderId).addString(assignee).addString(previous)
                                .addString(reason).addString(by).addLong(apiKeyId)))
                .replaceWithVoid();
    }

    /** The shop's thread of a conversation, created if it has none yet (two requests at once get one thread). */
    public Uni<UUID> threadOfConversation(SqlClient c, long shopId, long orderId, String conversationId, String by) {
        return c.preparedQuery("""
                INSERT INTO support_threads (id, shop_id, order_id, conversation_id, created_by)
                VALUES ($1, $2, $3, $4, $5)
                ON CONFLICT (shop_id, conversation_id) WHERE conversation_id IS NOT NULL DO NOTHING""")
                .execute(Tuple.of(UUID.randomUUID(), shopId, orderId, conversationId, by))
                .chain(() -> c.preparedQuery("SELECT id FROM support_threads WHERE shop_id = $1 AND conversation_id = $2")
                        .execute(Tuple.of(shopId, conversationId)))
                .map(rows -> rows.iterator().next().getUUID("id"));
    }

    public Uni<UUID> newThread(SqlClient c, long shopId, long orderId, String by) {
        UUID id = UUID.randomUUID();
        return c.preparedQuery("INSERT INTO support_threads (id, shop_id, order_id, created_by) VALUES ($1, $2, $3, $4)")
                .execute(Tuple.of(id, shopId, orderId, by)).replaceWith(id);
    }

    public Uni<Void> addNote(SqlClient c, UUID thread, long orderId, String note, String by) {
        return c.preparedQuery("INSERT INTO support_notes (thread_id, order_id, note, created_by) VALUES ($1, $2, $3, $4)")
                .execute(Tuple.of(thread, orderId, note, by))
                .chain(() -> c.preparedQuery("UPDATE orders SET support_thread_id = $2 WHERE id = $1")
                        .execute(Tuple.of(orderId, thread)))
                .replaceWithVoid();
    }

    /** Moves the order's return from {@code from} (null: none) to {@code to}; false when it was not in {@code from}. */
    public Uni<Boolean> moveReturn(SqlClient c, long orderId, String from, String to, String action) {
        return c.preparedQuery("""
                UPDATE orders SET return_state = $3, return_last_action = $4
                WHERE id = $1 AND return_state IS NOT DISTINCT FROM $2""")
                .execute(Tuple.of(orderId, from, to, action)).map(rows -> rows.rowCount() == 1);
    }

    // --- idempotency ----------------------------------------------------------------------------------

    /**
     * Takes the key for this request: true when it is new (the answer is stored later in the same
     * transaction). A concurrent request with the same key waits here until the first one commits,
     * then sees its stored answer; if the first rolled back, it takes the key itself.
     */
    public Uni<Boolean> takeKey(SqlClient c, String principal, String key, String action, String fingerprint) {
        return c.preparedQuery("""
                INSERT INTO order_action_requests (principal, idempotency_key, action, fingerprint, status, response)
                VALUES ($1, $2, $3, $4, 0, '') ON CONFLICT DO NOTHING""")
                .execute(Tuple.of(principal, key, action, fingerprint)).map(rows -> rows.rowCount() == 1);
    }

    public Uni<Stored> stored(SqlClient c, String principal, String key) {
        return c.preparedQuery("""
                SELECT action, fingerprint, status, response FROM order_action_requests
                WHERE principal = $1 AND idempotency_key = $2""").execute(Tuple.of(principal, key)).map(rows -> {
                    Row r = rows.iterator().next();
                    return new Stored(r.getString("action"), r.getString("fingerprint"), r.getInteger("status"),
                            new JsonObject(r.getString("response")));
                });
    }

    public Uni<Void> store(SqlClient c, String principal, String key, int status, JsonObject response) {
        return c.preparedQuery("UPDATE order_action_requests SET status = $3, response = $4 WHERE principal = $1 AND idempotency_key = $2")
                .execute(Tuple.of(principal, key, status, response.encode())).replaceWithVoid();
    }
}
