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
    private final List<TrackingInfo> trackingInfo;
    private final List<Line> lines;
    private final boolean notifyCustomer;
    private final Instant createdAt;
    private String status = "SUCCESS";
    private Instant updatedAt;
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
        updatedAt = now;
    }
}
