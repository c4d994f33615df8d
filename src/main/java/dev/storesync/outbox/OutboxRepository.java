package dev.storesync.outbox;

import dev.storesync.kernel.SqlTimes;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The delivery side of {@code outbox_events}: claims in one statement with {@code FOR UPDATE SKIP
 * LOCKED} (a row whose claim expired is claimable again), and outcomes written only while the row is
 * still in the claim that delivered it.
 */
@ApplicationScoped
public class OutboxRepository {

    private static final int MAX_ERROR_LENGTH = 2000;

    private static final String CLAIM = """
            WITH due AS (
                SELECT id FROM outbox_events
                WHERE ((state = 'pending' AND next_attempt_at <= now()) OR (state = 'running' AND claimed_until < now()))
                  -- shopify.* entries are writes queued for Shopify, drained by their own writer
                  -- (operations.orders.actions.AssigneeMetafieldWriter), not events for subscribers.
                  AND event_type NOT LIKE 'shopify.%'
                ORDER BY next_attempt_at, created_at
                LIMIT $1
                FOR UPDATE SKIP LOCKED)
            UPDATE outbox_events e SET state = 'running', attempts = e.attempts + 1, claim_token = $2,
                   claimed_until = now() + $3 * interval '1 millisecond'
            FROM due WHERE e.id = due.id
            RETURNING e.id, e.event_type, e.aggregate, e.payload::text AS payload, e.created_at, e.attempts""";

    private static final String RENEW = """
            UPDATE outbox_events SET claimed_until = now() + $3 * interval '1 millisecond'
            WHERE id = $1 AND claim_token = $2 AND state = 'running'""";

    // Only what the delivery side finished: queued Shopify writes (shopify.*) belong to their writer.
    private static final String PRUNE = """
            DELETE FROM outbox_events WHERE id IN (
                SELECT id FROM outbox_events
                WHERE state IN ('delivered', 'discarded') AND finished_at < now() - $1 * interval '1 millisecond'
                  AND event_type NOT LIKE 'shopify.%'
                LIMIT $2)""";

    private static final String DELIVERED = """
            UPDATE outbox_events SET state = 'delivered', finished_at = now(), claim_token = NULL, claimed_until = NULL
            WHERE id = $1 AND claim_token = $2 AND state = 'running'""";

    private static final String FAILED = """
            UPDATE outbox_events SET
                state = CASE WHEN attempts >= $3 THEN 'discarded' ELSE 'pending' END,
                finished_at = CASE WHEN attempts >= $3 THEN now() END,
                next_attempt_at = CASE WHEN attempts >= $3 THEN next_attempt_at
                                       ELSE now() + $4 * interval '1 millisecond' END,
                last_error = $5, claim_token = NULL, claimed_until = NULL
            WHERE id = $1 AND claim_token = $2 AND state = 'running'
            RETURNING state""";

    /** A claimed event; {@code attempt} counts this one. */
    public record Claimed(UUID id, String type, String aggregate, String payload, Instant createdAt, int attempt) {
    }

    private final Pool pool;

    OutboxRepository(Pool pool) {
        this.pool = pool;
    }

    Uni<List<Claimed>> claim(int limit, UUID token, Duration lease) {
        return pool.preparedQuery(CLAIM).execute(Tuple.of(limit, token, lease.toMillis())).map(rows -> {
            List<Claimed> out = new ArrayList<>(rows.rowCount());
            for (Row r : rows) {
                out.add(new Claimed(r.getUUID("id"), r.getString("event_type"), r.getString("aggregate"),
                        r.getString("payload"), SqlTimes.instant(r, "created_at"), r.getInteger("attempts")));
            }
            return out;
        });
    }

    /**
     * Renews one claimed event's lease just before it is delivered, so the lease covers one event's
     * delivery rather than a whole batch's; false when the claim was lost (another worker has it).
     */
    Uni<Boolean> renew(UUID id, UUID token, Duration lease) {
        return pool.preparedQuery(RENEW).execute(Tuple.of(id, token, lease.toMillis())).map(rows -> rows.rowCount() == 1);
    }

    /** Deletes up to {@code limit} delivered or discarded events finished longer than {@code retention} ago. */
    Uni<Integer> prune(Duration retention, int limit) {
        return pool.preparedQuery(PRUNE).execute(Tuple.of(retention.toMillis(), limit)).map(rows -> rows.rowCount());
    }

    /** False when the claim was lost meanwhile (expired and taken by another worker). */
    Uni<Boolean> delivered(UUID id, UUID token) {
        return pool.preparedQuery(DELIVERED).execute(Tuple.of(id, token)).map(rows -> rows.rowCount() == 1);
    }

    /** Back to pending after {@code delay}, or discarded when out of attempts; empty when the claim was lost. */
    Uni<Optional<String>> failed(UUID id, UUID token, int maxAttempts, Duration delay, String error) {
        String text = error.length() <= MAX_ERROR_LENGTH ? error : error.substring(0, MAX_ERROR_LENGTH) + "…";
        return pool.preparedQuery(FAILED).execute(Tuple.of(id, token, maxAttempts, delay.toMillis(), text))
                .map(rows -> rows.rowCount() == 0 ? Optional.empty() : Optional.of(rows.iterator().next().getString("state")));
    }
}
