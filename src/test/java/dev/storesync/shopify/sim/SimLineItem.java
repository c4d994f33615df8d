package dev.storesync.shopify.sim;

/**
 * A line of a simulated order. The ordered quantity is fixed; an order edit can lower the current
 * quantity ({@link SimOrder#edit}); what was fulfilled is derived from the order.
 */
public final class SimLineItem {

    private final SimOrder order;
    private final long id;
    private final String sku;
    private final String title;
    private final String vendor;
    private final int quantity;
    private final boolean requiresShipping;
    private volatile int currentQuantity;

    SimLineItem(SimOrder order, long id, String sku, String title, String vendor, int quantity,
            boolean requiresShipping) {
        this.order = order;
        this.id = id;
        this.sku = sku;
        this.title = title;
        this.vendor = vendor;
        this.quantity = quantity;
        this.requiresShipping = requiresShipping;
        this.currentQuantity = quantity;
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

    /** Units ordered, excluding those removed by order edits. */
    public int currentQuantity() {
        return currentQuantity;
    }

    void currentQuantity(int quantity) {
        this.currentQuantity = quantity;
    }

    public boolean requiresShipping() {
        return requiresShipping;
    }

    /** The variant of the inventory item with this line's SKU; null (a custom item) when the shop has none. */
    public SimProductVariant variant() {
        SimInventoryItem item = sku == null ? null : order.shop().inventoryItem(sku);
        return item == null ? null : item.variant();
    }

    public SimOrder order() {
        return order;
    }

    /** Quantity not yet in a successful fulfillment. */
    public int unfulfilledQuantity() {
        return currentQuantity - order.fulfilledQuantity(this);
    }
}
