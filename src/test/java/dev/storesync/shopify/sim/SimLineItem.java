package dev.storesync.shopify.sim;

/** A line of a simulated order. Quantities are fixed; what was fulfilled is derived from the order. */
public final class SimLineItem {

    private final SimOrder order;
    private final long id;
    private final String sku;
    private final String title;
    private final String vendor;
    private final int quantity;
    private final boolean requiresShipping;

    SimLineItem(SimOrder order, long id, String sku, String title, String vendor, int quantity,
            boolean requiresShipping) {
        this.order = order;
        this.id = id;
        this.sku = sku;
        this.title = title;
        this.vendor = vendor;
        this.quantity = quantity;
        this.requiresShipping = requiresShipping;
    }

    public String id() {
        return "gid://shopify/LineItem/" + id;
    }

    public String sku() {
        return sku;
    }

    public String title() {
        return title;
    }

    public String name() {
        return title;
    }

    public String vendor() {
        return vendor;
    }

    public int quantity() {
        return quantity;
    }

    public boolean requiresShipping() {
        return requiresShipping;
    }

    public SimOrder order() {
        return order;
    }

    /** Quantity not yet in a successful fulfillment. */
    public int unfulfilledQuantity() {
        return quantity - order.fulfilledQuantity(this);
    }
}
