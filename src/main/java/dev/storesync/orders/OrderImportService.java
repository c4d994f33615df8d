package dev.storesync.orders;

import dev.storesync.shipments.ShipmentRepository;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

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

    public Uni<Outcome> apply(long shopId, OrderSnapshot snapshot) {
        return pool.withTransaction(c -> OrderRepository.upsertOrder(c, shopId, snapshot).chain(orderId -> {
            if (orderId == null) {
                return Uni.createFrom().item(Outcome.STALE);
            }
            return OrderRepository.upsertLines(c, orderId, snapshot.lines())
                    .chain(() -> snapshot.cancelledAt() == null ? Uni.createFrom().voidItem() : stopSyncs(c, orderId))
                    .replaceWith(Outcome.APPLIED);
        })).invoke(outcome -> Log.debugf("Order %s (%s): %s", snapshot.name(), snapshot.gid(), outcome));
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
