package dev.storesync.operations.orders;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** The shapes of {@code GET /sync/orders} and {@code GET /sync/orders/{id}/timeline}. */
public final class OrderListDtos {

    private OrderListDtos() {
    }

    /** One page of the list; cursors are {@code ofs:<base36 offset>} and null at the ends. */
    public record Page(List<Item> orders, int pageSize, String nextCursor, String prevCursor, String shopifyCursor) {
    }

    /** An order as the dashboard lists it. */
    public record Item(String id, String legacyId, String name, String shopDomain, Instant createdAt, Customer customer,
            String financialStatus, String fulfillmentStatus, String priority, String assignedTo, String returnState,
            String supportThread, Tracking tracking,
            ShipmentSummary shipments, List<TimelineEntry> timeline, List<OpenAlert> alerts) {
    }

    /** An open alert of the order ({@code tracking_pending}, {@code delayed}, {@code sync_failed}, {@code data_gap}). */
    public record OpenAlert(long id, String kind, Instant raisedAt) {
    }

    public record Customer(String displayName) {
    }

    /**
     * The latest tracking: of the latest active shipment, or of a newer fulfillment made outside
     * StoreSync; {@code status} is the carrier's state as Shopify reports it (in_transit, delivered…), or null.
     */
    public record Tracking(String number, String carrier, String url, String status) {

        public Tracking(String number, String carrier, String url) {
            this(number, carrier, url, null);
        }
    }

    /** The order's shipments counted by sync status. */
    public record ShipmentSummary(int total, int pending, int synced, int failed, int cancelled) {
    }

    public record TimelineEntry(Instant ts, String event, Map<String, Object> details) {
    }

    /** One page of an order's timeline, newest first; {@code nextCursor} leads to older entries. */
    public record Timeline(String orderId, String name, List<TimelineEntry> events, String nextCursor) {
    }
}
