package dev.storesync.orders;

import dev.storesync.orders.FulfillmentOrderDiagnostics.Check;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One order line's product as Shopify's order routing sees it ({@code OrderLineProducts}): whether it
 * ships, whether its inventory is tracked, where it is stocked, and its delivery profile.
 * {@code variant} is null for a custom item or a deleted product.
 */
record LinePrerequisites(int currentQuantity, boolean lineRequiresShipping, JsonObject variant) {

    /** By line item GID. */
    static Map<String, LinePrerequisites> byLine(JsonObject order) {
        Map<String, LinePrerequisites> out = new HashMap<>();
        for (Object o : order.getJsonObject("lineItems", new JsonObject()).getJsonArray("nodes", new JsonArray())) {
            JsonObject line = (JsonObject) o;
            out.put(line.getString("id"), new LinePrerequisites(line.getInteger("currentQuantity", 0),
                    line.getBoolean("requiresShipping", true), line.getJsonObject("variant")));
        }
        return out;
    }

    /** The verdict a failing check gives a line without fulfillment order. */
    static String verdict(Check failing) {
        return switch (failing.name()) {
            case "requires_shipping" -> "no_shipping_needed";
            case "variant" -> "no_variant";
            case "inventory_tracked" -> "inventory_not_tracked";
            case "stocked_at_location" -> "not_stocked";
            case "delivery_profile" -> "no_delivery_profile";
            default -> "fo_missing";
        };
    }

    /**
     * The checks in the order routing needs them. {@code locations} are the locations the line's
     * fulfillment orders are assigned to; without any, stock at any location counts.
     */
    List<Check> checks(List<String> locations) {
        List<Check> checks = new ArrayList<>();
        if (variant == null) {
            checks.add(new Check("variant", false,
                    "The line has no product variant (a custom item, or the product was deleted), so Shopify has no "
                            + "inventory or shipping settings for it.",
                    "商品バリエーションがありません（カスタム商品、または商品が削除済み）。在庫・配送の設定がありません。"));
            return checks;
        }
        JsonObject item = variant.getJsonObject("inventoryItem", new JsonObject());
        boolean ships = lineRequiresShipping && item.getBoolean("requiresShipping", true);
        checks.add(ships
                ? new Check("requires_shipping", true, "The product requires shipping.", "配送が必要な商品です。")
                : new Check("requires_shipping", false, "The product is set not to require shipping (\"This is a physical "
                        + "product\" is off).", "商品が配送不要に設定されています（「これは物理的な商品です」がオフ）。"));
        boolean tracked = item.getBoolean("tracked", false);
        checks.add(tracked
                ? new Check("inventory_tracked", true, "Inventory is tracked.", "在庫を追跡しています。")
                : new Check("inventory_tracked", false, "Inventory is not tracked for the variant (\"Track quantity\" is off).",
                        "バリエーションの在庫を追跡していません（「数量を追跡する」がオフ）。"));
        checks.add(stock(item, locations));
        checks.add(deliveryProfile(variant.getJsonObject("deliveryProfile")));
        return checks;
    }

    private static Check stock(JsonObject item, List<String> locations) {
        List<String> stocked = new ArrayList<>();
        int onHand = 0;
        for (Object o : item.getJsonObject("inventoryLevels", new JsonObject()).getJsonArray("nodes", new JsonArray())) {
            JsonObject level = (JsonObject) o;
            JsonObject location = level.getJsonObject("location", new JsonObject());
            if (!locations.isEmpty() && !locations.contains(location.getString("id"))) {
                continue;
            }
            int here = quantity(level, "on_hand");
            onHand += here;
            stocked.add(location.getString("name") + " (on hand " + here + ", available " + quantity(level, "available") + ")");
        }
        String where = locations.isEmpty() ? "any location" : "the assigned location";
        String whereJa = locations.isEmpty() ? "どのロケーションにも" : "割り当てられたロケーションに";
        if (stocked.isEmpty()) {
            return new Check("stocked_at_location", false, "The variant is not stocked at " + where
                    + ", so order routing has no location to assign it to.",
                    "バリエーションが" + whereJa + "在庫登録されていないため、注文ルーティングで割り当て先がありません。");
        }
        if (onHand <= 0) {
            return new Check("stocked_at_location", false, "The variant has no stock on hand at " + where + ": "
                    + String.join(", ", stocked) + ".", "バリエーションの手持ち在庫が" + whereJa + "ありません: "
                    + String.join(", ", stocked) + "。");
        }
        return new Check("stocked_at_location", true, "In stock: " + String.join(", ", stocked) + ".",
                "在庫あり: " + String.join(", ", stocked) + "。");
    }

    private static Check deliveryProfile(JsonObject profile) {
        if (profile == null) {
            return new Check("delivery_profile", false, "The variant is in no shipping (delivery) profile.",
                    "バリエーションがどの配送プロファイルにも含まれていません。");
        }
        String name = profile.getString("name");
        if (profile.getInteger("activeMethodDefinitionsCount", 0) == 0) {
            return new Check("delivery_profile", false, "Its shipping profile \"" + name + "\" has no active shipping rate.",
                    "配送プロファイル「" + name + "」に有効な配送料金がありません。");
        }
        return new Check("delivery_profile", true, "Shipping profile \"" + name + "\" has shipping rates.",
                "配送プロファイル「" + name + "」に配送料金があります。");
    }

    private static int quantity(JsonObject level, String name) {
        for (Object q : level.getJsonArray("quantities", new JsonArray())) {
            JsonObject quantity = (JsonObject) q;
            if (name.equals(quantity.getString("name"))) {
                return quantity.getInteger("quantity", 0);
            }
        }
        return 0;
    }
}
