package dev.storesync.operations.alerts;

import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Opens and clears alerts from a caller's transaction, for alerts that are not a rule on the order's
 * facts (those follow the facts at commit, see V14__order_alerts.sql). The change and its stream
 * event exist exactly when the caller's change is committed.
 */
public final class OrderAlerts {

    public static final String TRACKING_PENDING = "tracking_pending";
    public static final String DELAYED = "delayed";
    public static final String SYNC_FAILED = "sync_failed";
    /** Reconciliation found an order, or a change of it, that no webhook brought. */
    public static final String DATA_GAP = "data_gap";

    private OrderAlerts() {
    }

    /** Opens the order's alert of {@code kind} unless one is open; answers whether it was opened. */
    public static Uni<Boolean> raise(SqlClient c, long orderId, String kind, JsonObject details) {
        return set(c, orderId, kind, true, details);
    }

    /** Clears the order's open alert of {@code kind}, if any; answers whether one was cleared. */
    public static Uni<Boolean> clear(SqlClient c, long orderId, String kind) {
        return set(c, orderId, kind, false, new JsonObject());
    }

    private static Uni<Boolean> set(SqlClient c, long orderId, String kind, boolean open, JsonObject details) {
        return c.preparedQuery("SELECT order_alert_set($1, $2, $3, $4) AS changed")
                .execute(Tuple.of(orderId, kind, open, details))
                .map(rows -> rows.iterator().next().getBoolean("changed"));
    }
}
