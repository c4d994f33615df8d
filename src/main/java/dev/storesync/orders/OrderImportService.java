package dev.storesync.orders;

import dev.storesync.operations.alerts.OrderAlerts;
import dev.storesync.operations.orders.OrderEvents;
import dev.storesync.shipments.ShipmentRepository;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Keeps our copy of a shop's orders: applies snapshots newer than what is stored (an older or
 * repeated one changes nothing), stops the syncs of a cancelled order's shipments, and deletes an
 * order with everything that hangs off it.
 */
@ApplicationScoped
public class OrderImportService {

    /** What an import did. */
    public enum Outcome {
        APPLIED, STALE
    }

    private final Pool pool;

    public OrderImportService(Pool pool) {
        this.pool = pool;
    }

    /** Applies a version an {@code orders/*} webhook brought; it also ends a data gap on the order. */
    public Uni<Outcome> apply(long shopId, OrderSnapshot snapshot) {
        return apply(shopId, snapshot, false);
    }

    /**
     * Applies a version the reconciliation read: when it is newer than our copy, no webhook brought
     * it, and the order gets a {@code data_gap} alert.
     */
    public Uni<Outcome> applyReconciled(long shopId, OrderSnapshot snapshot) {
        return apply(shopId, snapshot, true);
    }

    /** Stores the connection cursors of a page of the reconciliation read (the dashboard's shopifyCursor). */
    public Uni<Void> rememberCursors(long shopId, List<Long> shopifyIds, List<String> cursors) {
        return shopifyIds.isEmpty() ? Uni.createFrom().voidItem()
                : OrderRepository.rememberCursors(pool, shopId, shopifyIds, cursors);
    }

    private Uni<Outcome> apply(long shopId, OrderSnapshot snapshot, boolean reconciled) {
        return pool.withTransaction(c -> OrderRepository.lockPrevious(c, shopId, snapshot.shopifyId())
                .chain(previous -> OrderRepository.upsertOrder(c, shopId, snapshot).chain(upserted -> {
                    if (upserted == null) {
                        return Uni.createFrom().item(Outcome.STALE);
                    }
                    return OrderRepository.upsertLines(c, upserted.id(), snapshot.lines())
                            .chain(() -> recordEvents(c, upserted, previous, snapshot))
                            .chain(() -> snapshot.cancelledAt() == null ? Uni.createFrom().voidItem()
                                    : stopSyncs(c, upserted.id()))
                            .chain(() -> !reconciled ? OrderAlerts.clear(c, upserted.id(), OrderAlerts.DATA_GAP).replaceWithVoid()
                                    : missedByWebhooks(upserted, previous, snapshot)
                                            ? OrderAlerts.raise(c, upserted.id(), OrderAlerts.DATA_GAP, new JsonObject()
                                                    .put("newOrder", upserted.inserted())
                                                    .put("updatedAt", snapshot.updatedAt().toString())).replaceWithVoid()
                                            : Uni.createFrom().voidItem())
                            .replaceWith(Outcome.APPLIED);
                })))
                .invoke(outcome -> Log.debugf("Order %s (%s): %s", snapshot.name(), snapshot.gid(), outcome));
    }

    /**
     * A gap is an order we did not have, or a version with a later {@code updated_at} than ours: the
     * same version seen later (only its observation time is newer) is not one.
     */
    private static boolean missedByWebhooks(OrderRepository.Upserted upserted, OrderRepository.Previous previous,
            OrderSnapshot s) {
        return upserted.inserted() || previous != null && previous.updatedAt() != null
                && s.updatedAt().isAfter(previous.updatedAt());
    }

    /** Timeline entries for what this version changed; none for a version that changed neither. */
    private static Uni<Void> recordEvents(SqlConnection c, OrderRepository.Upserted upserted,
            OrderRepository.Previous previous, OrderSnapshot s) {
        List<Uni<Void>> writes = new ArrayList<>();
        boolean cancelledNow = s.cancelledAt() != null;
        if (upserted.inserted()) {
            writes.add(OrderEvents.record(c, upserted.id(), OrderEvents.ORDER_IMPORTED, new JsonObject()
                    .put("name", s.name()).put("financialStatus", s.financialStatus())
                    .put("fulfillmentStatus", s.fulfillmentStatus())));
        } else if (previous != null && !Objects.equals(previous.financialStatus(), s.financialStatus())) {
            writes.add(OrderEvents.record(c, upserted.id(), OrderEvents.FINANCIAL_STATUS_CHANGED,
                    new JsonObject().put("from", previous.financialStatus()).put("to", s.financialStatus())));
        }
        // previous is null (and the row not inserted by us) only when a concurrent import inserted it:
        // that import wrote the events of this version.
        if (cancelledNow && (upserted.inserted() || previous != null && !previous.cancelled())) {
            writes.add(OrderEvents.record(c, upserted.id(), OrderEvents.ORDER_CANCELLED,
                    new JsonObject().put("reason", s.cancelReason()).put("cancelledAt", s.cancelledAt().toString())));
        }
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (Uni<Void> write : writes) {
            chain = chain.chain(() -> write);
        }
        return chain;
    }

    /** Deletes the order, its lines, shipments, shipment lines and sync history (cascading, one statement). */
    public Uni<Boolean> delete(long shopId, long shopifyOrderId) {
        return pool.withTransaction(c -> OrderRepository.delete(c, shopId, shopifyOrderId)).map(count -> {
            if (count > 0) {
                Log.infof("Order %d of shop %d deleted in Shopify: removed with its shipments", shopifyOrderId, shopId);
            }
            return count > 0;
        });
    }

    private static Uni<Void> stopSyncs(SqlConnection c, long orderId) {
        return ShipmentRepository.stopForCancelledOrder(c, orderId).invoke(count -> {
            if (count > 0) {
                Log.infof("Order %d cancelled: stopped the sync of %d shipment(s)", orderId, count);
            }
        }).replaceWithVoid();
    }
}
