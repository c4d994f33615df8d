package dev.storesync.shopify.sim;

/** {@code ProductVariant}: the simulator has one variant per inventory item, with the item's SKU. */
public final class SimProductVariant {

    private final SimInventoryItem inventoryItem;

    SimProductVariant(SimInventoryItem inventoryItem) {
        this.inventoryItem = inventoryItem;
    }

    public String id() {
        return "gid://shopify/ProductVariant/" + inventoryItem.legacyResourceId();
    }

    public String sku() {
        return inventoryItem.sku();
    }

    public String barcode() {
        return inventoryItem.barcode();
    }

    public String title() {
        return "Default Title";
    }

    /** Shopify's total {@code available} over every location the item is stocked at. */
    public Integer inventoryQuantity() {
        return inventoryItem.inventoryLevels().stream().mapToInt(SimInventoryItem.Level::available).sum();
    }

    public SimInventoryItem inventoryItem() {
        return inventoryItem;
    }

    public SimDeliveryProfile deliveryProfile() {
        return inventoryItem.deliveryProfile();
    }
}
