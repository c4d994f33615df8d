package dev.storesync.shopify.sim;

/**
 * {@code DeliveryProfile}: a shipping profile. Every shop has a default one ("General profile")
 * that products belong to unless moved; {@code activeMethodDefinitionsCount} is its number of
 * active shipping rates. GraphQL's {@code default} is read through {@link #isDefault()}.
 */
public record SimDeliveryProfile(String id, String name, boolean isDefault, int activeMethodDefinitionsCount) {
}
