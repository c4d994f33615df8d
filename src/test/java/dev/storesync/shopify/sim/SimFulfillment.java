package dev.storesync.shopify.sim;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** A fulfillment created through {@code fulfillmentCreate} (or by a test), with its tracking. */
public final class SimFulfillment {

    /** One tracking number, as in Shopify's {@code FulfillmentTrackingInfo}. */
    public record TrackingInfo(String number, String company, String url) {
    }

    /** How much of one fulfillment order line this fulfillment covers. */
    /** A line of the fulfillment as GraphQL shows it: the order's line item and the units fulfilled. */
    public record FulfillmentLineItem(String id, SimLineItem lineItem, int quantity) {
    }

    public record Line(SimFulfillmentOrder fulfillmentOrder, SimFulfillmentOrderLineItem line, int quantity) {
    }

    private final long id;
    private final SimOrder order;
    private final SimLocation location;
    private volatile List<TrackingInfo> trackingInfo;
    private final List<Line> lines;
    private final boolean notifyCustomer;
    private final Instant createdAt;
    private volatile String status = "SUCCESS";
    private volatile String shipmentStatus;
    private volatile Instant updatedAt;
    private volatile boolean cancellable = true;

    SimFulfillment(long id, SimOrder order, SimLocation location, List<TrackingInfo> trackingInfo, List<Line> lines,
            boolean notifyCustomer, Instant createdAt) {
        this.id = id;
        this.order = order;
        this.location = location;
        this.trackingInfo = List.copyOf(trackingInfo);
        this.lines = List.copyOf(lines);
        this.notifyCustomer = notifyCustomer;
        this.createdAt = createdAt;
        this.updatedAt = createdAt;
    }

    public String id() {
        return "gid://shopify/Fulfillment/" + id;
    }

    public String legacyResourceId() {
        return Long.toString(id);
    }

    public String name() {
        return order.name() + "-F" + (order.fulfillments().indexOf(this) + 1);
    }

    /** {@code SUCCESS} or {@code CANCELLED}. */
    public String status() {
        return status;
    }

    public SimOrder order() {
        return order;
    }

    /**
     * {@code FulfillmentDisplayStatus}: the carrier's state once one was reported (IN_TRANSIT,
     * DELIVERED…), else CANCELED or FULFILLED.
     */
    public String displayStatus() {
        if ("CANCELLED".equals(status)) {
            return "CANCELED";
        }
        return shipmentStatus != null ? shipmentStatus.toUpperCase(java.util.Locale.ROOT) : "FULFILLED";
    }

    /** The REST {@code shipment_status}: the carrier's state, e.g. {@code in_transit}, or null. */
    public String shipmentStatus() {
        return shipmentStatus;
    }

    /**
     * Records a carrier update ({@code in_transit}, {@code out_for_delivery}, {@code delivered},
     * {@code failure}…), as Shopify does from its carrier integrations; sends fulfillments/update.
     */
    public SimFulfillment shipmentStatus(String carrierState) {
        shipmentStatus = carrierState;
        updatedAt = later(updatedAt);
        order.shop().fulfillmentChanged(this, false);
        return this;
    }

    /** Replaces the tracking, as fulfillmentTrackingInfoUpdate or the admin does; sends fulfillments/update. */
    public SimFulfillment updateTracking(String number, String company, String url) {
        trackingInfo = List.of(new TrackingInfo(number, company, url));
        updatedAt = later(updatedAt);
        order.shop().fulfillmentChanged(this, false);
        return this;
    }

    /** Makes the fulfillment look last updated at {@code at} (for stale-update tests); sends nothing. */
    public SimFulfillment updatedAt(Instant at) {
        updatedAt = at;
        return this;
    }

    // Shopify's times have second precision: a change within the same second must still look newer.
    private static Instant later(Instant previous) {
        Instant now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        return now.isAfter(previous) ? now : previous.plusSeconds(1);
    }

    public SimLocation location() {
        return location;
    }

    public List<TrackingInfo> trackingInfo() {
        return trackingInfo;
    }

    public List<FulfillmentLineItem> fulfillmentLineItems() {
        List<Line> all = lines();
        java.util.ArrayList<FulfillmentLineItem> out = new java.util.ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            out.add(new FulfillmentLineItem("gid://shopify/FulfillmentLineItem/" + legacyResourceId() + (i + 1),
                    all.get(i).line().lineItem(), all.get(i).quantity()));
        }
        return out;
    }

    public List<Line> lines() {
        return lines;
    }

    public boolean notifyCustomer() {
        return notifyCustomer;
    }

    public Instant createdAt() {
        return createdAt;
    }

    public Instant updatedAt() {
        return updatedAt;
    }

    /** Quantity per order line GID, for assertions. */
    public Map<String, Integer> quantitiesByLineItem() {
        Map<String, Integer> quantities = new java.util.LinkedHashMap<>();
        lines.forEach(l -> quantities.merge(l.line().lineItem().id(), l.quantity(), Integer::sum));
        return quantities;
    }

    /**
     * Makes Shopify refuse to cancel this fulfillment ("Fulfillment cannot be canceled.", as for a
     * fulfillment whose shipment a carrier has already picked up).
     */
    public SimFulfillment refuseCancel() {
        cancellable = false;
        return this;
    }

    /** Cancels it as a merchant would in the Shopify admin. */
    public SimFulfillment cancelInAdmin() {
        cancel(Instant.now());
        lines.forEach(l -> l.line().remainingQuantity(l.line().remainingQuantity() + l.quantity()));
        order.shop().fulfillmentChanged(this, false);
        return this;
    }

    boolean cancellable() {
        return cancellable;
    }

    boolean isActive() {
        return "SUCCESS".equals(status);
    }

    void cancel(Instant now) {
        status = "CANCELLED";
        updatedAt = later(updatedAt);
    }

    /** The REST-shaped body of fulfillments/create and fulfillments/update. */
    public io.vertx.core.json.JsonObject webhookPayload() {
        TrackingInfo first = trackingInfo.isEmpty() ? null : trackingInfo.get(0);
        io.vertx.core.json.JsonArray items = new io.vertx.core.json.JsonArray();
        quantitiesByLineItem().forEach((lineGid, quantity) -> items.add(new io.vertx.core.json.JsonObject()
                .put("id", Long.parseLong(lineGid.substring(lineGid.lastIndexOf('/') + 1)))
                .put("admin_graphql_api_id", lineGid).put("quantity", quantity)));
        return new io.vertx.core.json.JsonObject()
                .put("id", id).put("admin_graphql_api_id", id())
                .put("order_id", Long.parseLong(order.legacyResourceId()))
                .put("name", name())
                .put("status", status.toLowerCase(java.util.Locale.ROOT))
                .put("shipment_status", shipmentStatus)
                .put("created_at", createdAt.toString()).put("updated_at", updatedAt.toString())
                .put("tracking_company", first == null ? null : first.company())
                .put("tracking_number", first == null ? null : first.number())
                .put("tracking_url", first == null ? null : first.url())
                .put("line_items", items);
    }
}
