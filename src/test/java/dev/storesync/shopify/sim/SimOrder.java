package dev.storesync.shopify.sim;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An order of a simulated shop. Like at Shopify, a new order has no fulfillment orders until it is
 * routed ({@link #route()} or {@link #fulfillmentOrder()}), so tests can make them appear later.
 */
public final class SimOrder {

    /** {@code Customer} with its {@code defaultEmailAddress}. */
    public record Customer(String id, String displayName, EmailAddress defaultEmailAddress) {
    }

    /** {@code CustomerEmailAddress}. */
    public record EmailAddress(String emailAddress) {
    }

    private final SimShop shop;
    private final long id;
    private final String name;
    private final Customer customer;
    private final List<SimLineItem> lineItems = new ArrayList<>();
    private final List<SimFulfillmentOrder> fulfillmentOrders = new ArrayList<>();
    private final List<SimFulfillment> fulfillments = new ArrayList<>();
    private final Instant createdAt;
    private final boolean test;
    private Instant updatedAt;
    private Instant cancelledAt;
    private String cancelReason;
    private String financialStatus;
    private final Map<String, String> metafields = new java.util.concurrent.ConcurrentHashMap<>();

    private SimOrder(SimShop shop, long id, Builder builder) {
        this.shop = shop;
        this.id = id;
        this.name = builder.name != null ? builder.name : "#" + (1000 + shop.orders().size() + 1);
        this.customer = builder.customerName == null ? null : new Customer("gid://shopify/Customer/" + shop.nextId(),
                builder.customerName, builder.email == null ? null : new EmailAddress(builder.email));
        this.createdAt = builder.createdAt != null ? builder.createdAt : shop.now();
        this.updatedAt = createdAt;
        this.financialStatus = builder.financialStatus;
        this.test = builder.test;
    }

    SimShop shop() {
        return shop;
    }

    /** The value of the order's metafield {@code namespace.key} (set through metafieldsSet), or null. */
    public String metafield(String namespace, String key) {
        return metafields.get(namespace + "." + key);
    }

    void metafield(String namespace, String key, String value) {
        metafields.put(namespace + "." + key, value);
    }

    public String id() {
        return "gid://shopify/Order/" + id;
    }

    public String legacyResourceId() {
        return Long.toString(id);
    }

    public String name() {
        return name;
    }

    public Customer customer() {
        return customer;
    }

    public Instant createdAt() {
        return createdAt;
    }

    public Instant processedAt() {
        return createdAt;
    }

    public Instant updatedAt() {
        synchronized (shop) {
            return updatedAt;
        }
    }

    public Instant cancelledAt() {
        return cancelledAt;
    }

    public String cancelReason() {
        return cancelReason;
    }

    public boolean closed() {
        return false;
    }

    public Instant closedAt() {
        return null;
    }

    public boolean test() {
        return test;
    }

    public String displayFinancialStatus() {
        return financialStatus;
    }

    /** Derived from the fulfillments and fulfillment orders, as Shopify shows it in the admin. */
    public String displayFulfillmentStatus() {
        synchronized (shop) {
            int ordered = lineItems.stream().filter(SimLineItem::requiresShipping).mapToInt(SimLineItem::currentQuantity)
                    .sum();
            int fulfilled = lineItems.stream().filter(SimLineItem::requiresShipping).mapToInt(this::fulfilledQuantity)
                    .sum();
            if (ordered > 0 && fulfilled >= ordered) {
                return "FULFILLED";
            }
            if (fulfilled > 0) {
                return "PARTIALLY_FULFILLED";
            }
            if (fulfillmentOrders.stream().anyMatch(fo -> fo.status() == FulfillmentOrderStatus.ON_HOLD)) {
                return "ON_HOLD";
            }
            if (!fulfillmentOrders.isEmpty() && fulfillmentOrders.stream()
                    .allMatch(fo -> fo.status() == FulfillmentOrderStatus.SCHEDULED)) {
                return "SCHEDULED";
            }
            return "UNFULFILLED";
        }
    }

    public List<SimLineItem> lineItems() {
        return List.copyOf(lineItems);
    }

    /** The first line with this SKU. */
    public SimLineItem lineItem(String sku) {
        return lineItems.stream().filter(l -> Objects.equals(l.sku(), sku)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no line with SKU " + sku + " in " + name));
    }

    public List<SimFulfillmentOrder> fulfillmentOrders() {
        synchronized (shop) {
            return List.copyOf(fulfillmentOrders);
        }
    }

    /** Every fulfillment of the order, cancelled ones included. */
    public List<SimFulfillment> fulfillments() {
        synchronized (shop) {
            return List.copyOf(fulfillments);
        }
    }

    /**
     * Routes the order like Shopify's order routing: one OPEN fulfillment order at the shop's primary
     * location for the lines that need shipping, one with delivery method NONE for the others.
     */
    public List<SimFulfillmentOrder> route() {
        synchronized (shop) {
            List<SimFulfillmentOrder> created = new ArrayList<>();
            List<SimLineItem> shipped = lineItems.stream().filter(SimLineItem::requiresShipping).toList();
            List<SimLineItem> other = lineItems.stream().filter(l -> !l.requiresShipping()).toList();
            if (!shipped.isEmpty()) {
                created.add(fulfillmentOrder().lines(shipped).create());
            }
            if (!other.isEmpty()) {
                created.add(fulfillmentOrder().lines(other).deliveryMethod("NONE").create());
            }
            return created;
        }
    }

    /** Starts a fulfillment order for this order: OPEN, at the primary location, no lines yet. */
    public SimFulfillmentOrder.Builder fulfillmentOrder() {
        return new SimFulfillmentOrder.Builder(shop, this);
    }

    /** Cancels the order: its unfinished fulfillment orders close. */
    public SimOrder cancel(String reason) {
        synchronized (shop) {
            cancelledAt = shop.now();
            cancelReason = reason;
            fulfillmentOrders.stream().filter(fo -> fo.status() != FulfillmentOrderStatus.CLOSED)
                    .forEach(fo -> fo.status(FulfillmentOrderStatus.CLOSED));
            touch();
            return this;
        }
    }

    public SimOrder financialStatus(String status) {
        synchronized (shop) {
            financialStatus = status;
            touch();
            return this;
        }
    }

    /**
     * An order edit: the line with this SKU now has {@code currentQuantity} units (0 removes it).
     * Like at Shopify the line stays on the order with its original {@code quantity}, and the
     * unfulfilled units of its fulfillment order lines shrink to match.
     */
    public SimOrder edit(String sku, int currentQuantity) {
        synchronized (shop) {
            SimLineItem line = lineItem(sku);
            line.currentQuantity(currentQuantity);
            int excess = line.unfulfilledQuantity();
            for (SimFulfillmentOrder fo : fulfillmentOrders) {
                for (SimFulfillmentOrderLineItem foLine : fo.lineItems()) {
                    if (foLine.lineItem() == line) {
                        foLine.remainingQuantity(Math.min(foLine.remainingQuantity(), Math.max(0, excess)));
                        excess -= foLine.remainingQuantity();
                    }
                }
            }
            touch();
            return this;
        }
    }

    /** Marks the order as changed now, as any edit at Shopify would. */
    public SimOrder touch() {
        synchronized (shop) {
            updatedAt = shop.now();
            return this;
        }
    }

    int fulfilledQuantity(SimLineItem lineItem) {
        return fulfillments.stream().filter(SimFulfillment::isActive).flatMap(f -> f.lines().stream())
                .filter(l -> l.line().lineItem() == lineItem).mapToInt(SimFulfillment.Line::quantity).sum();
    }

    void add(SimFulfillmentOrder fulfillmentOrder) {
        fulfillmentOrders.add(fulfillmentOrder);
    }

    void add(SimFulfillment fulfillment) {
        fulfillments.add(fulfillment);
    }

    private record LineSpec(String sku, int quantity, String vendor, boolean requiresShipping) {
    }

    /** Builds an order; get one from {@link SimShop#order()}. */
    public static final class Builder {
        private final SimShop shop;
        private final List<LineSpec> lines = new ArrayList<>();
        private String name;
        private String customerName;
        private String email;
        private Instant createdAt;
        private String financialStatus = "PAID";
        private boolean test;

        Builder(SimShop shop) {
            this.shop = shop;
        }

        public Builder name(String orderName) {
            this.name = orderName;
            return this;
        }

        public Builder customer(String displayName, String emailAddress) {
            this.customerName = displayName;
            this.email = emailAddress;
            return this;
        }

        public Builder createdAt(Instant at) {
            this.createdAt = at;
            return this;
        }

        public Builder financialStatus(String status) {
            this.financialStatus = status;
            return this;
        }

        public Builder test(boolean testOrder) {
            this.test = testOrder;
            return this;
        }

        public Builder line(String sku, int quantity) {
            return line(sku, quantity, null, true);
        }

        public Builder line(String sku, int quantity, String vendor) {
            return line(sku, quantity, vendor, true);
        }

        /** A line that needs no shipping (digital goods, gift cards). */
        public Builder digitalLine(String sku, int quantity) {
            return line(sku, quantity, null, false);
        }

        public Builder line(String sku, int quantity, String vendor, boolean requiresShipping) {
            lines.add(new LineSpec(sku, quantity, vendor, requiresShipping));
            return this;
        }

        /** Creates the order without fulfillment orders, as right after checkout. */
        public SimOrder create() {
            synchronized (shop) {
                SimOrder order = new SimOrder(shop, shop.nextId(), this);
                for (LineSpec l : lines) {
                    order.lineItems.add(new SimLineItem(order, shop.nextId(), l.sku(), "Product " + l.sku(),
                            l.vendor(), l.quantity(), l.requiresShipping()));
                }
                shop.add(order);
                return order;
            }
        }

        /** Creates the order and routes it at once (see {@link SimOrder#route()}). */
        public SimOrder createRouted() {
            SimOrder order = create();
            order.route();
            return order;
        }
    }
}
