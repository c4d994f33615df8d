package dev.storesync.shopify.sim;

/** Shopify's {@code FulfillmentOrderStatus}. */
public enum FulfillmentOrderStatus {
    OPEN, IN_PROGRESS, SCHEDULED, ON_HOLD, CLOSED, CANCELLED, INCOMPLETE
}
