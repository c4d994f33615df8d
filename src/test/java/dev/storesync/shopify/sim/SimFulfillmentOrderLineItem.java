package dev.storesync.shopify.sim;

/** A line of a fulfillment order: part (or all) of an order line, with what is left to fulfill. */
public final class SimFulfillmentOrderLineItem {

    private final long id;
    private final SimLineItem lineItem;
    private final int totalQuantity;
    private volatile int remainingQuantity;

    SimFulfillmentOrderLineItem(long id, SimLineItem lineItem, int totalQuantity) {
        this.id = id;
        this.lineItem = lineItem;
        this.totalQuantity = totalQuantity;
        this.remainingQuantity = totalQuantity;
    }

    public String id() {
        return "gid://shopify/FulfillmentOrderLineItem/" + id;
    }

    public SimLineItem lineItem() {
        return lineItem;
    }

    public String sku() {
        return lineItem.sku();
    }

    public int totalQuantity() {
        return totalQuantity;
    }

    public int remainingQuantity() {
        return remainingQuantity;
    }

    void remainingQuantity(int remainingQuantity) {
        this.remainingQuantity = remainingQuantity;
    }
}
