package dev.storesync.shopify.sim;

/**
 * A location of a simulated shop: one of the merchant's own, or one run by a fulfillment service
 * (3PL or another app), where this app cannot create fulfillments directly.
 */
public final class SimLocation {

    private final long id;
    private final String name;
    private final boolean fulfillmentService;

    SimLocation(long id, String name, boolean fulfillmentService) {
        this.id = id;
        this.name = name;
        this.fulfillmentService = fulfillmentService;
    }

    public String id() {
        return "gid://shopify/Location/" + id;
    }

    public String legacyResourceId() {
        return Long.toString(id);
    }

    public String name() {
        return name;
    }

    public boolean isActive() {
        return true;
    }

    public boolean isFulfillmentService() {
        return fulfillmentService;
    }
}
