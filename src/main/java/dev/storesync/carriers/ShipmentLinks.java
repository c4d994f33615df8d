package dev.storesync.carriers;

import dev.storesync.kernel.ProblemException;
import dev.storesync.platform.PoNumbers;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/** Orphans, and the manual link of a tracked shipment to a PO (with its audit trail). */
@ApplicationScoped
public class ShipmentLinks {

    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 200;
    private static final int EVENTS_SHOWN = 100;

    private final Pool pool;
    private final TrackedShipmentRepository tracked;

    public ShipmentLinks(Pool pool, TrackedShipmentRepository tracked) {
        this.pool = pool;
        this.tracked = tracked;
    }

    /** Orphans, oldest first. */
    public Uni<CarrierDtos.OrphanPage> orphans(Integer limit, Integer offset) {
        int size = limit == null ? DEFAULT_LIMIT : limit;
        int skip = offset == null ? 0 : offset;
        if (size < 1 || size > MAX_LIMIT) {
            throw ProblemException.invalidField("limit", "must be between 1 and " + MAX_LIMIT);
        }
        if (skip < 0) {
            throw ProblemException.invalidField("offset", "must be 0 or more");
        }
        return tracked.orphans(size, skip)
                .chain(items -> tracked.countOrphans().map(total -> new CarrierDtos.OrphanPage(items, size, skip, total)));
    }

    /** The tracked shipments with this tracking number (one per courier), as the carrier sends it. */
    public Uni<List<CarrierDtos.Shipment>> byTrackingNumber(String trackingNumber) {
        if (trackingNumber == null || trackingNumber.isBlank()) {
            throw ProblemException.invalidField("trackingNumber", "is required");
        }
        return tracked.byTrackingNumber(trackingNumber.strip());
    }

    public Uni<CarrierDtos.ShipmentDetail> detail(long id) {
        return tracked.find(pool, id).chain(found -> {
            CarrierDtos.Shipment shipment = found.orElseThrow(() -> notFound(id));
            return tracked.events(id, EVENTS_SHOWN).map(events -> new CarrierDtos.ShipmentDetail(shipment, events));
        });
    }

    public Uni<List<CarrierDtos.Link>> history(long id) {
        return tracked.find(pool, id).chain(found -> {
            found.orElseThrow(() -> notFound(id));
            return tracked.links(id, MAX_LIMIT);
        });
    }

    /**
     * Links the shipment to the PO with {@code rawPoNumber} (any form the PO number rule accepts),
     * whether it is an orphan or linked to another PO; the old and the new order's stats are
     * recomputed and the link audited in the same transaction. Linking to the PO it is already
     * linked to changes nothing and audits nothing.
     */
    public Uni<CarrierDtos.LinkResult> link(long id, String rawPoNumber, String actor) {
        String poNumber = PoNumbers.normalize(rawPoNumber)
                .orElseThrow(() -> ProblemException.invalidField("poNumber", "is required: a PO number such as 164-1"));
        Long apiKeyId = apiKeyId(actor);
        return pool.withTransaction(c -> tracked.lockForLink(c, id).chain(subject -> {
            TrackedShipmentRepository.LinkSubject s = subject.orElseThrow(() -> notFound(id));
            return tracked.purchaseOrderId(c, poNumber).chain(po -> {
                        long poId = po.orElseThrow(() -> ProblemException.invalidField("poNumber",
                                "no purchase order " + poNumber + " is known"));
                        if (Long.valueOf(poId).equals(s.purchaseOrderId())) {
                            return tracked.find(c, id).map(v -> new CarrierDtos.LinkResult(v.orElseThrow(), s.currentPo(), false));
                        }
                        return tracked.link(c, id, poNumber, poId)
                                .chain(() -> tracked.audit(c, id, s.currentPo(), poNumber, actor, apiKeyId))
                                .chain(() -> tracked.find(c, id))
                                .map(v -> new CarrierDtos.LinkResult(v.orElseThrow(), s.currentPo(), true));
                    });
        })).invoke(result -> {
            if (result.changed()) {
                Log.infof("Tracked shipment %d linked by %s from PO %s to PO %s", id, actor,
                        result.previousPoNumber() == null ? "(orphan)" : result.previousPoNumber(), poNumber);
            }
        });
    }

    private static Long apiKeyId(String principal) {
        if (principal != null && principal.startsWith("api-key:")) {
            try {
                return Long.parseLong(principal.substring("api-key:".length()));
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    private static ProblemException notFound(long id) {
        return ProblemException.notFound("No tracked shipment " + id + ".");
    }
}
