package dev.storesync.carriers;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.Instant;
import java.util.List;

/** Views of carrier-tracked shipments, their events and link history, and the manual link request. */
public final class CarrierDtos {

    private CarrierDtos() {
    }

    /**
     * A tracked shipment. {@code poNumber} is the normalised number it is matched by (from the carrier
     * reference, or the PO an operator linked it to); {@code linkedPoNumber} and {@code order} are null
     * while it is an orphan.
     */
    @RegisterForReflection
    public record Shipment(long id, String trackingNumber, String courierCode, String trackerId, String rawReference,
            String poNumber, String linkedPoNumber, String linkSource, String statusMilestone, String statusCode,
            String statusCategory, Instant estimatedDelivery, Instant lastEventAt, LastEvent lastEvent, OrderStats order,
            Instant createdAt, Instant updatedAt) {
    }

    /** The newest carrier event of a shipment. */
    @RegisterForReflection
    public record LastEvent(Instant occurredAt, String status, String statusCode, String statusMilestone, String location) {
    }

    /** The platform order a shipment belongs to, with its shipment stats. */
    @RegisterForReflection
    public record OrderStats(String orderNumber, int shipmentsTotal, int shipmentsInTransit, int shipmentsDelivered,
            int shipmentsException, String derivedStatus) {
    }

    /** One shipment with its newest events. */
    @RegisterForReflection
    public record ShipmentDetail(Shipment shipment, List<Event> events) {
    }

    @RegisterForReflection
    public record Event(String eventId, Instant occurredAt, String status, String statusCode, String statusCategory,
            String statusMilestone, String location, String courierCode, Instant receivedAt) {
    }

    /** A page of orphans, oldest first. */
    @RegisterForReflection
    public record OrphanPage(List<Shipment> items, int limit, int offset, long total) {
    }

    /** {@code {"poNumber": "PO#164-1"}}: any form the PO number rule accepts. */
    @RegisterForReflection
    public record LinkRequest(String poNumber) {
    }

    /** The shipment after a manual link, and the PO it was linked to before (null: it was an orphan). */
    @RegisterForReflection
    public record LinkResult(Shipment shipment, String previousPoNumber, boolean changed) {
    }

    /** One manual link in the audit trail. {@code actor} is the caller's principal, e.g. {@code api-key:12}. */
    @RegisterForReflection
    public record Link(long id, String fromPo, String toPo, String actor, String actorName, Instant linkedAt) {
    }
}
