package dev.storesync.shipments;

import dev.storesync.kernel.Problem;
import dev.storesync.kernel.ProblemException;
import dev.storesync.shipments.sync.FulfillmentSync;
import dev.storesync.shipments.sync.ShipmentSyncWorker;
import dev.storesync.shopify.client.ShopifyAdminClient;
import dev.storesync.shopify.client.ShopifyResult;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.Optional;

/** Cancelling a shipment ("未発送に戻す") and manual sync retries. */
@ApplicationScoped
public class ShipmentActions {

    private final Pool pool;
    private final ShopifyAdminClient shopify;
    private final ShipmentQueries queries;
    private final ShipmentSyncWorker worker;

    public ShipmentActions(Pool pool, ShopifyAdminClient shopify, ShipmentQueries queries, ShipmentSyncWorker worker) {
        this.pool = pool;
        this.shopify = shopify;
        this.queries = queries;
        this.worker = worker;
    }

    /**
     * Cancels the shipment's Shopify fulfillments first (if it synced), then the shipment itself,
     * which releases its quantities. If Shopify refuses, nothing changes here. Cancelling twice is a
     * no-op; a shipment that never synced is just cancelled locally and stops retrying.
     */
    public Uni<ShipmentDtos.View> cancel(long id, Optional<Long> callerVendor) {
        return queries.show(id, callerVendor).chain(view -> {
            if ("cancelled".equals(view.status())) {
                return Uni.createFrom().item(view);
            }
            Uni<Void> remote = Uni.createFrom().voidItem();
            for (String fulfillmentId : view.shopifyFulfillmentIds()) {
                remote = remote.chain(() -> cancelInShopify(view.shop(), fulfillmentId));
            }
            return remote.chain(() -> pool.withTransaction(c -> c.preparedQuery("""
                    UPDATE shipments SET status = 'cancelled', cancelled_at = now(), sync_pending_until = NULL,
                           sync_status = 'cancelled', updated_at = now()
                    WHERE id = $1 AND status = 'shipped' RETURNING id""").execute(Tuple.of(id))
                    .chain(rows -> rows.rowCount() == 0 ? Uni.createFrom().voidItem()
                            : FulfillmentSync.attempt(c, id, "cancelled", null, "Shipment cancelled (back to unshipped).",
                                    "未発送に戻しました。", null))))
                    .invoke(() -> Log.infof("Shipment %d cancelled", id))
                    .chain(() -> queries.show(id, callerVendor));
        });
    }

    private Uni<Void> cancelInShopify(String shop, String fulfillmentId) {
        return shopify.query(shop, "FulfillmentCancel", Map.of("id", fulfillmentId)).invoke(result -> {
            if (result instanceof ShopifyResult.Success) {
                return;
            }
            if (result instanceof ShopifyResult.UserErrors u && u.errors().stream()
                    .anyMatch(e -> String.valueOf(e.message()).toLowerCase().contains("cancel"))) {
                // Already cancelled in Shopify (by hand or an earlier attempt): the goal is reached.
                return;
            }
            throw new ProblemException(Problem.of(502, "shopify-cancel-failed", "Shopify did not cancel the fulfillment",
                    result.message().en() + " / " + result.message().ja()));
        }).replaceWithVoid();
    }

    /** Requeues one shipment whose sync failed or is waiting: it is attempted at once with a fresh schedule. */
    public Uni<ShipmentDtos.View> retry(long id) {
        return pool.preparedQuery("""
                UPDATE shipments SET sync_status = 'pending', sync_pending_until = now(), sync_nudged_at = now(),
                       sync_retry_count = 0, updated_at = now()
                WHERE id = $1 AND status = 'shipped' AND sync_status IN ('failed', 'pending') RETURNING id""")
                .execute(Tuple.of(id)).chain(rows -> {
                    if (rows.rowCount() == 0) {
                        return queries.show(id, Optional.empty()).invoke(v -> {
                            throw ProblemException.conflict("Shipment " + id + " is " + v.status() + "/" + v.syncStatus()
                                    + "; only failed or pending shipments can be retried.");
                        });
                    }
                    worker.wake();
                    return queries.show(id, Optional.empty());
                });
    }

    /** Requeues every failed shipment of a vendor and/or an order. */
    public Uni<ShipmentDtos.BulkRetryResult> retryFailed(Long vendorId, Long orderId) {
        if (vendorId == null && orderId == null) {
            throw ProblemException.invalidField("vendorId", "give vendorId, orderId or both");
        }
        return pool.preparedQuery("""
                UPDATE shipments SET sync_status = 'pending', sync_pending_until = now(), sync_retry_count = 0,
                       updated_at = now()
                WHERE status = 'shipped' AND sync_status = 'failed'
                  AND ($1::bigint IS NULL OR vendor_id = $1) AND ($2::bigint IS NULL OR order_id = $2)""")
                .execute(Tuple.of(vendorId, orderId)).map(rows -> {
                    if (rows.rowCount() > 0) {
                        worker.wake();
                    }
                    return new ShipmentDtos.BulkRetryResult(rows.rowCount());
                });
    }

}
