package dev.storesync.shopify.sim;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A fulfillment order of a simulated order. Tests move it through its life the way Shopify or the
 * merchant would ({@link #placeOnHold}, {@link #releaseHolds}, {@link #open}, {@link #close});
 * {@code fulfillmentCreate} and {@code fulfillmentCancel} move it through the API.
 */
public final class SimFulfillmentOrder {

    /** {@code FulfillmentOrderAssignedLocation}. */
    public record AssignedLocation(String name, SimLocation location) {
    }

    /** {@code DeliveryMethod}. */
    public record DeliveryMethod(String id, String methodType) {
    }

    /** {@code FulfillmentHold}. */
    public record Hold(String id, String reason, String reasonNotes, boolean heldByRequestingApp) {
    }

    /** {@code FulfillmentOrderSupportedAction}. */
    public record SupportedAction(String action, String externalUrl) {
    }

    private final SimShop shop;
    private final long id;
    private final SimOrder order;
    private final SimLocation location;
    private final DeliveryMethod deliveryMethod;
    private final List<SimFulfillmentOrderLineItem> lineItems;
    private final List<Hold> holds = new ArrayList<>();
    private final Instant createdAt;
    private FulfillmentOrderStatus status;
    private String requestStatus = "UNSUBMITTED";
    private Instant fulfillAt;
    private Instant updatedAt;
    private List<String> actionsOverride;

    SimFulfillmentOrder(SimShop shop, long id, SimOrder order, SimLocation location, String methodType,
            List<SimFulfillmentOrderLineItem> lineItems, FulfillmentOrderStatus status, Instant now) {
        this.shop = shop;
        this.id = id;
        this.order = order;
        this.location = location;
        this.deliveryMethod = new DeliveryMethod("gid://shopify/DeliveryMethod/" + id, methodType);
        this.lineItems = List.copyOf(lineItems);
        this.status = status;
        this.createdAt = now;
        this.updatedAt = now;
    }

    public String id() {
        return "gid://shopify/FulfillmentOrder/" + id;
    }

    public FulfillmentOrderStatus status() {
        synchronized (shop) {
            return status;
        }
    }

    public String requestStatus() {
        return requestStatus;
    }

    public Instant fulfillAt() {
        return fulfillAt;
    }

    public Instant fulfillBy() {
        return null;
    }

    public Instant createdAt() {
        return createdAt;
    }

    public Instant updatedAt() {
        return updatedAt;
    }

    public AssignedLocation assignedLocation() {
        return new AssignedLocation(location.name(), location);
    }

    public SimLocation location() {
        return location;
    }

    public DeliveryMethod deliveryMethod() {
        return deliveryMethod;
    }

    public List<Hold> fulfillmentHolds() {
        synchronized (shop) {
            return List.copyOf(holds);
        }
    }

    public List<SimFulfillmentOrderLineItem> lineItems() {
        return lineItems;
    }

    public SimOrder order() {
        return order;
    }

    public String orderId() {
        return order.id();
    }

    public String orderName() {
        return order.name();
    }

    /** Fulfillments that include lines of this fulfillment order. */
    public List<SimFulfillment> fulfillments() {
        synchronized (shop) {
            return order.fulfillments().stream()
                    .filter(f -> f.lines().stream().anyMatch(l -> l.fulfillmentOrder() == this)).toList();
        }
    }

    /** Derived like Shopify: from the status and whether the location is run by a fulfillment service. */
    public List<SupportedAction> supportedActions() {
        synchronized (shop) {
            List<String> actions = actionsOverride != null ? actionsOverride : derivedActions();
            return actions.stream().map(a -> new SupportedAction(a, null)).toList();
        }
    }

    /** The line of this fulfillment order for an order line, or null. */
    public SimFulfillmentOrderLineItem lineFor(SimLineItem lineItem) {
        return lineItems.stream().filter(l -> l.lineItem() == lineItem).findFirst().orElse(null);
    }

    public int remainingQuantity() {
        synchronized (shop) {
            return lineItems.stream().mapToInt(SimFulfillmentOrderLineItem::remainingQuantity).sum();
        }
    }

    private List<String> derivedActions() {
        return switch (status) {
            case OPEN, IN_PROGRESS -> location.isFulfillmentService()
                    ? List.of("REQUEST_FULFILLMENT", "MOVE", "HOLD")
                    : List.of("CREATE_FULFILLMENT", "MOVE", "HOLD", "SPLIT");
            case ON_HOLD -> List.of("RELEASE_HOLD", "MOVE");
            case SCHEDULED -> List.of("MARK_AS_OPEN", "MOVE");
            case CLOSED, CANCELLED, INCOMPLETE -> List.of();
        };
    }

    /** Puts the fulfillment order on hold, as another app or the merchant would. */
    public SimFulfillmentOrder placeOnHold(String reason, String reasonNotes) {
        synchronized (shop) {
            holds.add(new Hold("gid://shopify/FulfillmentHold/" + shop.nextId(), reason, reasonNotes, false));
            status = FulfillmentOrderStatus.ON_HOLD;
            touch();
            return this;
        }
    }

    /** Releases every hold: the status returns to OPEN, or IN_PROGRESS after a partial fulfillment. */
    public SimFulfillmentOrder releaseHolds() {
        synchronized (shop) {
            holds.clear();
            status = progressStatus();
            touch();
            return this;
        }
    }

    /** Opens a SCHEDULED fulfillment order, as Shopify does when {@code fulfillAt} arrives. */
    public SimFulfillmentOrder open() {
        synchronized (shop) {
            fulfillAt = null;
            status = progressStatus();
            touch();
            return this;
        }
    }

    /** Schedules the fulfillment order for later (a pre-order or subscription). */
    public SimFulfillmentOrder schedule(Instant at) {
        synchronized (shop) {
            fulfillAt = at;
            status = FulfillmentOrderStatus.SCHEDULED;
            touch();
            return this;
        }
    }

    /** Closes it without fulfilling, e.g. fulfilled outside the app. */
    public SimFulfillmentOrder close() {
        return status(FulfillmentOrderStatus.CLOSED);
    }

    public SimFulfillmentOrder status(FulfillmentOrderStatus newStatus) {
        synchronized (shop) {
            status = newStatus;
            touch();
            return this;
        }
    }

    public SimFulfillmentOrder requestStatus(String newRequestStatus) {
        synchronized (shop) {
            requestStatus = newRequestStatus;
            touch();
            return this;
        }
    }

    /** Replaces the derived supported actions; no argument means none. {@code null} restores deriving. */
    public SimFulfillmentOrder supportedActions(String... actions) {
        synchronized (shop) {
            actionsOverride = actions == null ? null : List.of(actions);
            return this;
        }
    }

    /** OPEN when nothing was fulfilled, CLOSED when everything was, IN_PROGRESS in between. */
    /**
     * Fulfils every remaining unit with {@code trackingNumber}, as fulfillmentCreate does: for a
     * merchant fulfilling in the Shopify admin, or a create whose answer StoreSync never got.
     */
    public SimFulfillment fulfil(String trackingNumber) {
        List<SimFulfillment.Line> lines = new java.util.ArrayList<>();
        lineItems().stream().filter(l -> l.remainingQuantity() > 0)
                .forEach(l -> lines.add(new SimFulfillment.Line(this, l, l.remainingQuantity())));
        lines.forEach(l -> l.line().remainingQuantity(0));
        SimFulfillment fulfillment = new SimFulfillment(shop.nextId(), order(), location(),
                List.of(new SimFulfillment.TrackingInfo(trackingNumber, null, null)), lines, false, shop.now());
        shop.add(fulfillment);
        status(progressStatus());
        return fulfillment;
    }

    FulfillmentOrderStatus progressStatus() {
        int total = lineItems.stream().mapToInt(SimFulfillmentOrderLineItem::totalQuantity).sum();
        int remaining = remainingQuantity();
        if (remaining == 0) {
            return FulfillmentOrderStatus.CLOSED;
        }
        return remaining == total ? FulfillmentOrderStatus.OPEN : FulfillmentOrderStatus.IN_PROGRESS;
    }

    void touch() {
        updatedAt = shop.now();
        order.touch();
    }

    /** Builds a fulfillment order; get one from {@link SimOrder#fulfillmentOrder()}. */
    public static final class Builder {
        private final SimShop shop;
        private final SimOrder order;
        private final java.util.Map<SimLineItem, Integer> quantities = new java.util.LinkedHashMap<>();
        private SimLocation location;
        private FulfillmentOrderStatus status = FulfillmentOrderStatus.OPEN;
        private String methodType = "SHIPPING";
        private Instant fulfillAt;
        private String holdReason;
        private String holdNotes;

        Builder(SimShop shop, SimOrder order) {
            this.shop = shop;
            this.order = order;
            this.location = shop.primaryLocation();
        }

        public Builder location(SimLocation assigned) {
            this.location = assigned;
            return this;
        }

        public Builder status(FulfillmentOrderStatus initial) {
            this.status = initial;
            return this;
        }

        public Builder deliveryMethod(String type) {
            this.methodType = type;
            return this;
        }

        /** SCHEDULED until {@code at}. */
        public Builder scheduled(Instant at) {
            this.status = FulfillmentOrderStatus.SCHEDULED;
            this.fulfillAt = at;
            return this;
        }

        /** ON_HOLD with one hold, e.g. {@code onHold("AWAITING_PAYMENT", null)}. */
        public Builder onHold(String reason, String notes) {
            this.status = FulfillmentOrderStatus.ON_HOLD;
            this.holdReason = reason;
            this.holdNotes = notes;
            return this;
        }

        public Builder line(SimLineItem lineItem, int quantity) {
            quantities.put(lineItem, quantity);
            return this;
        }

        /** Whole lines, by SKU of the order. */
        public Builder lines(String... skus) {
            for (String sku : skus) {
                SimLineItem lineItem = order.lineItem(sku);
                quantities.put(lineItem, lineItem.quantity());
            }
            return this;
        }

        public Builder lines(java.util.Collection<SimLineItem> lineItems) {
            lineItems.forEach(l -> quantities.put(l, l.quantity()));
            return this;
        }

        /** Adds it to the order; without lines it takes every line of the order. */
        public SimFulfillmentOrder create() {
            synchronized (shop) {
                if (quantities.isEmpty()) {
                    lines(order.lineItems());
                }
                List<SimFulfillmentOrderLineItem> lines = new ArrayList<>();
                quantities.forEach((lineItem, quantity) -> lines.add(
                        new SimFulfillmentOrderLineItem(shop.nextId(), lineItem, quantity)));
                SimFulfillmentOrder created = new SimFulfillmentOrder(shop, shop.nextId(), order, location, methodType,
                        lines, status, shop.now());
                created.fulfillAt = fulfillAt;
                if (holdReason != null) {
                    created.holds.add(new Hold("gid://shopify/FulfillmentHold/" + shop.nextId(), holdReason, holdNotes,
                            false));
                }
                order.add(created);
                shop.add(created);
                order.touch();
                return created;
            }
        }
    }
}
