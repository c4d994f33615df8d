package dev.storesync.inventory;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Mapped items waiting for a live re-sync ({@code inventory_live_queue}), one row per mapping so a
 * burst of deliveries for one item coalesces into one sync. Claims use {@code FOR UPDATE SKIP
 * LOCKED} and a lease, so replicas share the queue and a dead replica's claim expires.
 */
@ApplicationScoped
public class LiveQueue {

    /** A claimed item: {@code seq} is the delivery count seen at the claim. */
    record Claimed(long mappingId, long partnerId, long seq, Instant firstSeenAt) {
    }

    private final Pool pool;

    LiveQueue(Pool pool) {
        this.pool = pool;
    }

    /** Queues the items, due after the debounce; an item already queued keeps its due time and counts one more delivery. */
    Uni<Void> enqueue(long partnerId, List<Long> mappingIds, Duration debounce) {
        return pool.preparedQuery("""
                INSERT INTO inventory_live_queue (mapping_id, partner_id, due_at)
                SELECT m, $2, now() + $3 * interval '1 millisecond' FROM unnest($1::bigint[]) AS m
                ON CONFLICT (mapping_id) DO UPDATE SET seq = inventory_live_queue.seq + 1""")
                .execute(Tuple.of(mappingIds.toArray(Long[]::new), partnerId, debounce.toMillis())).replaceWithVoid();
    }

    /** Claims up to {@code limit} due items for {@code lease}. */
    Uni<List<Claimed>> claim(int limit, Duration lease) {
        return pool.preparedQuery("""
                UPDATE inventory_live_queue q SET claimed_seq = q.seq, claimed_until = now() + $2 * interval '1 millisecond'
                WHERE q.mapping_id IN (SELECT mapping_id FROM inventory_live_queue
                        WHERE due_at <= now() AND (claimed_until IS NULL OR claimed_until < now())
                        ORDER BY due_at LIMIT $1 FOR UPDATE SKIP LOCKED)
                RETURNING q.mapping_id, q.partner_id, q.claimed_seq, q.first_seen_at""")
                .execute(Tuple.of(limit, lease.toMillis())).map(rows -> {
                    List<Claimed> out = new ArrayList<>();
                    rows.forEach(r -> out.add(new Claimed(r.getLong("mapping_id"), r.getLong("partner_id"),
                            r.getLong("claimed_seq"), r.getOffsetDateTime("first_seen_at").toInstant())));
                    return out;
                });
    }

    /**
     * The items were synced: each is removed unless a delivery came after its claim, which makes it
     * due again after the debounce (to read that newer value).
     */
    Uni<Void> done(List<Claimed> items, Duration debounce) {
        if (items.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        Long[] ids = items.stream().map(Claimed::mappingId).toArray(Long[]::new);
        Long[] seqs = items.stream().map(Claimed::seq).toArray(Long[]::new);
        return pool.withTransaction(c -> c.preparedQuery("""
                DELETE FROM inventory_live_queue q USING unnest($1::bigint[], $2::bigint[]) AS d(mapping_id, seq)
                WHERE q.mapping_id = d.mapping_id AND q.seq = d.seq""").execute(Tuple.of(ids, seqs))
                .chain(() -> c.preparedQuery("""
                        UPDATE inventory_live_queue SET claimed_seq = NULL, claimed_until = NULL, attempts = 0,
                               due_at = now() + $2 * interval '1 millisecond', first_seen_at = now()
                        WHERE mapping_id = ANY($1)""").execute(Tuple.of(ids, debounce.toMillis())))
                .replaceWithVoid());
    }

    /** The items could not be synced now (a shop unreachable): due again after a doubling wait, up to {@code cap}. */
    Uni<Void> retryLater(List<Claimed> items, Duration cap) {
        if (items.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return pool.preparedQuery("""
                UPDATE inventory_live_queue SET claimed_seq = NULL, claimed_until = NULL, attempts = attempts + 1,
                       due_at = now() + least(power(2, least(attempts, 20)) * 1000, $2) * interval '1 millisecond'
                WHERE mapping_id = ANY($1)""")
                .execute(Tuple.of(items.stream().map(Claimed::mappingId).toArray(Long[]::new), cap.toMillis()))
                .replaceWithVoid();
    }
}
