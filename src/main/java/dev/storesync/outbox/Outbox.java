package dev.storesync.outbox;

import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import java.util.UUID;

/**
 * Appends outbound events. Callers pass the connection of the transaction that makes the change, so
 * the event exists exactly when the change does; delivery happens later, at least once.
 */
public final class Outbox {

    private Outbox() {
    }

    /** Stores an event to deliver; answers its id, which receivers use to dedupe redeliveries. */
    public static Uni<UUID> append(SqlClient tx, String eventType, String aggregate, JsonObject payload) {
        UUID id = UUID.randomUUID();
        return tx.preparedQuery("INSERT INTO outbox_events (id, event_type, aggregate, payload) VALUES ($1, $2, $3, $4)")
                .execute(Tuple.of(id, eventType, aggregate, payload))
                .replaceWith(id);
    }
}
