package dev.storesync.carriers;

import dev.storesync.platform.PoNumbers;
import dev.storesync.shipments.ShipmentRepository;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Applies one Ship24 tracking update, in one transaction: the tracked shipment (by tracking number
 * and courier), its new events, its status from the newest event, its PO link (the triggers then
 * recompute the order's stats in the same transaction) and the carrier status of the vendor
 * shipments with the same tracking number. Repeating an update changes nothing.
 */
@ApplicationScoped
public class TrackingUpdates {

    private final Pool pool;
    private final TrackedShipmentRepository tracked;
    private final ShipmentRepository shipments;

    public TrackingUpdates(Pool pool, TrackedShipmentRepository tracked, ShipmentRepository shipments) {
        this.pool = pool;
        this.tracked = tracked;
        this.shipments = shipments;
    }

    /** What applying an update did. */
    public record Applied(long shipmentId, int newEvents, int vendorShipmentsUpdated) {
    }

    public Uni<Applied> apply(Ship24Payload.Update update) {
        String poNumber = PoNumbers.normalize(update.reference()).orElse(null);
        return pool.withTransaction(c -> tracked.upsert(c, update, poNumber)
                .chain(id -> tracked.insertEvents(c, id, update.events())
                        .chain(added -> tracked.applyNewest(c, id, update)
                                .chain(status -> status.statusMilestone() == null && status.lastEventAt() == null
                                        ? Uni.createFrom().item(0)
                                        : shipments.recordCarrierStatus(c, update.trackingNumber(), status.statusMilestone(),
                                                status.statusCode(), status.lastEventAt()))
                                .map(vendor -> new Applied(id, added, vendor)))));
    }
}
