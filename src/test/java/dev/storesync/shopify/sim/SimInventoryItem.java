package dev.storesync.shopify.sim;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** An inventory item (one per variant/SKU) with its quantities per location. */
public final class SimInventoryItem {

    /** {@code InventoryQuantity}: one named quantity of a level. */
    public record Quantity(String id, String name, int quantity, Instant updatedAt) {
    }

    /** {@code InventoryLevel}: the item stocked at one location. */
    public final class Level {
        private final long levelId;
        private final SimLocation location;
        private int available;
        private int onHand;
        private Instant updatedAt;

        Level(long levelId, SimLocation location, int available) {
            this.levelId = levelId;
            this.location = location;
            this.available = available;
            this.onHand = available;
            this.updatedAt = shop.now();
        }

        public String id() {
            return "gid://shopify/InventoryLevel/" + levelId + "?inventory_item_id=" + SimInventoryItem.this.id;
        }

        public SimInventoryItem item() {
            return SimInventoryItem.this;
        }

        public SimLocation location() {
            return location;
        }

        public Instant createdAt() {
            return createdAt;
        }

        public Instant updatedAt() {
            return updatedAt;
        }

        public int available() {
            synchronized (shop) {
                return available;
            }
        }

        public int onHand() {
            synchronized (shop) {
                return onHand;
            }
        }

        /** The named quantities Shopify knows; the simulator keeps only available and on_hand. */
        public List<Quantity> quantities(List<String> names) {
            synchronized (shop) {
                return names.stream().map(n -> new Quantity(id() + "&name=" + n, n, quantity(n), updatedAt)).toList();
            }
        }

        int quantity(String name) {
            return switch (name) {
                case "available" -> available;
                case "on_hand" -> onHand;
                case "committed" -> onHand - available;
                default -> 0;
            };
        }

        /**
         * Sets {@code available} or {@code on_hand}; the other moves by the same delta. A change of
         * an existing level sends {@code inventory_levels/update} to the shop's subscriptions.
         */
        int set(String name, int quantity) {
            int delta = quantity - quantity(name);
            available += delta;
            onHand += delta;
            updatedAt = shop.now();
            if (delta != 0) {
                shop.levelChanged(this);
            }
            return delta;
        }
    }

    private final SimShop shop;
    private final long id;
    private final String sku;
    private final Instant createdAt;
    private final Map<SimLocation, Level> levels = new LinkedHashMap<>();
    private boolean tracked = true;
    private String barcode;
    private boolean requiresShipping = true;
    private SimDeliveryProfile deliveryProfile;

    SimInventoryItem(SimShop shop, long id, String sku) {
        this.shop = shop;
        this.id = id;
        this.sku = sku;
        this.createdAt = shop.now();
        this.deliveryProfile = shop.defaultDeliveryProfile();
    }

    public String id() {
        return "gid://shopify/InventoryItem/" + id;
    }

    public String legacyResourceId() {
        return Long.toString(id);
    }

    public String sku() {
        return sku;
    }

    public boolean tracked() {
        return tracked;
    }

    /** The variant's barcode (UPC, EAN, ...), or null. */
    public String barcode() {
        synchronized (shop) {
            return barcode;
        }
    }

    public SimInventoryItem barcode(String code) {
        synchronized (shop) {
            barcode = code;
            return this;
        }
    }

    public Instant createdAt() {
        return createdAt;
    }

    public Instant updatedAt() {
        return createdAt;
    }

    public List<Level> inventoryLevels() {
        synchronized (shop) {
            return List.copyOf(levels.values());
        }
    }

    /** The level at a location, or null when the item is not stocked there. */
    public Level level(SimLocation location) {
        synchronized (shop) {
            return levels.get(location);
        }
    }

    /**
     * Stocks the item at a location (like inventoryActivate) or sets its available quantity, as a
     * merchant or a sale would: a change of an existing level sends {@code inventory_levels/update}.
     */
    public SimInventoryItem available(SimLocation location, int quantity) {
        synchronized (shop) {
            Level level = levels.get(location);
            if (level == null) {
                levels.put(location, new Level(shop.nextId(), location, quantity));
            } else {
                level.set("available", quantity);
            }
            return this;
        }
    }

    /** Stops stocking the item at a location (as inventoryDeactivate or a merchant would). */
    public SimInventoryItem unstock(SimLocation location) {
        synchronized (shop) {
            levels.remove(location);
            return this;
        }
    }

    /** Starts stocking the item at a location (inventoryActivate); the existing level when already stocked. */
    Level activate(SimLocation location, int quantity) {
        synchronized (shop) {
            return levels.computeIfAbsent(location, l -> new Level(shop.nextId(), l, quantity));
        }
    }

    /** Available quantity at a location; -1 when not stocked there. */
    public int available(SimLocation location) {
        Level level = level(location);
        return level == null ? -1 : level.available();
    }

    public boolean requiresShipping() {
        return requiresShipping;
    }

    /** The variant's delivery profile; null when it is in none. */
    public SimDeliveryProfile deliveryProfile() {
        synchronized (shop) {
            return deliveryProfile;
        }
    }

    /** The product variant of this item. */
    public SimProductVariant variant() {
        return new SimProductVariant(this);
    }

    public SimInventoryItem requiresShipping(boolean ships) {
        synchronized (shop) {
            requiresShipping = ships;
            return this;
        }
    }

    /** Moves the variant to another delivery profile, or (null) out of every profile. */
    public SimInventoryItem deliveryProfile(SimDeliveryProfile profile) {
        synchronized (shop) {
            deliveryProfile = profile;
            return this;
        }
    }

    public SimInventoryItem tracked(boolean isTracked) {
        synchronized (shop) {
            tracked = isTracked;
            return this;
        }
    }
}
