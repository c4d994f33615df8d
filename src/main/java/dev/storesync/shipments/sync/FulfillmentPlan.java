package dev.storesync.shipments.sync;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Decides, from an order's fulfillment orders as Shopify returned them, what to do with one
 * shipment: adopt a fulfillment that already carries its tracking number, create fulfillments
 * (one per assigned location), wait for Shopify, or give up with a reason.
 */
public sealed interface FulfillmentPlan {

    /** A shipment line: the Shopify line item and how many units this shipment ships. */
    record ShipmentLine(String lineItemGid, String title, int quantity) {
    }

    /** Units of one FO line to fulfil. */
    record FoLine(String foLineItemId, int quantity) {
    }

    /** One fulfillmentCreate: FOs of one location with their lines. */
    record Create(String locationId, Map<String, List<FoLine>> linesByFulfillmentOrder) {
    }

    /**
     * Fulfillments to create; {@code adopted*} are fulfillments of this shipment that already exist
     * (an earlier attempt created them before failing on another location).
     */
    record Ready(List<Create> creates, List<String> adoptedFulfillmentIds, List<String> adoptedFulfillmentOrderIds)
            implements FulfillmentPlan {
        Ready(List<Create> creates) {
            this(creates, List.of(), List.of());
        }
    }

    /** Shopify already has fulfillments with this tracking number, unclaimed, covering the whole shipment. */
    record Adopt(List<String> fulfillmentIds, List<String> fulfillmentOrderIds) implements FulfillmentPlan {
    }

    /** Not fulfillable yet (no FO, on hold, scheduled, no CREATE_FULFILLMENT): retry later. */
    record Waiting(String code, String en, String ja) implements FulfillmentPlan {
    }

    /** Cannot succeed without an operator (e.g. more units than Shopify has left to fulfil). */
    record Impossible(String code, String en, String ja) implements FulfillmentPlan {
    }

    static FulfillmentPlan of(JsonArray fulfillmentOrders, List<ShipmentLine> lines, String trackingNumber,
            Set<String> fulfillmentsClaimedElsewhere) {
        Ours ours = ours(fulfillmentOrders, trackingNumber, fulfillmentsClaimedElsewhere);
        List<ShipmentLine> toCreate = new ArrayList<>();
        for (ShipmentLine line : lines) {
            int left = ours.coversEverything() ? 0 : line.quantity() - ours.quantities().getOrDefault(line.lineItemGid(), 0);
            if (left > 0) {
                toCreate.add(new ShipmentLine(line.lineItemGid(), line.title(), left));
            }
        }
        if (toCreate.isEmpty() && !ours.fulfillmentIds().isEmpty()) {
            return new Adopt(List.copyOf(ours.fulfillmentIds()), List.copyOf(ours.fulfillmentOrderIds()));
        }
        FulfillmentPlan plan = allocate(fulfillmentOrders, toCreate);
        if (plan instanceof Ready ready && !ours.fulfillmentIds().isEmpty()) {
            return new Ready(ready.creates(), List.copyOf(ours.fulfillmentIds()), List.copyOf(ours.fulfillmentOrderIds()));
        }
        return plan;
    }

    /** The live fulfillments in Shopify that carry the tracking number and that no other shipment has recorded. */
    static Set<String> liveCarrying(JsonArray fulfillmentOrders, String trackingNumber, Set<String> fulfillmentsClaimedElsewhere) {
        return ours(fulfillmentOrders, trackingNumber, fulfillmentsClaimedElsewhere).fulfillmentIds();
    }

    private static FulfillmentPlan allocate(JsonArray fulfillmentOrders, List<ShipmentLine> lines) {
        Map<String, Integer> remaining = new LinkedHashMap<>();
        Map<String, Map<String, List<FoLine>>> byLocation = new LinkedHashMap<>();
        for (ShipmentLine line : lines) {
            int needed = line.quantity();
            List<String> blockers = new ArrayList<>();
            boolean anyFo = false;
            int fulfillableLeft = 0;
            for (int i = 0; i < fulfillmentOrders.size() && needed > 0; i++) {
                JsonObject fo = fulfillmentOrders.getJsonObject(i);
                for (JsonObject foLine : nodes(fo.getJsonObject("lineItems"))) {
                    String lineGid = foLine.getJsonObject("lineItem", new JsonObject()).getString("id");
                    if (!line.lineItemGid().equals(lineGid)) {
                        continue;
                    }
                    anyFo = true;
                    String foLineId = foLine.getString("id");
                    int left = finished(fo) ? 0
                            : remaining.computeIfAbsent(foLineId, id -> foLine.getInteger("remainingQuantity", 0));
                    if (left <= 0) {
                        continue;
                    }
                    if (!fulfillable(fo)) {
                        blockers.add(blocker(fo));
                        continue;
                    }
                    fulfillableLeft += left;
                    int take = Math.min(left, needed);
                    remaining.put(foLineId, left - take);
                    needed -= take;
                    byLocation.computeIfAbsent(locationOf(fo), l -> new LinkedHashMap<>())
                            .computeIfAbsent(fo.getString("id"), f -> new ArrayList<>())
                            .add(new FoLine(foLineId, take));
                }
            }
            if (needed > 0) {
                if (!anyFo) {
                    return new Waiting("fo_missing",
                            "Shopify has not created a fulfillment order for \"" + line.title() + "\" yet (order routing"
                                    + " is still running).",
                            "Shopifyが「" + line.title() + "」のフルフィルメントオーダーをまだ作成していません（注文ルーティング処理中）。");
                }
                if (!blockers.isEmpty()) {
                    String why = String.join("; ", new LinkedHashSet<>(blockers));
                    return new Waiting("fo_not_fulfillable",
                            "The fulfillment order of \"" + line.title() + "\" cannot be fulfilled yet: " + why + ".",
                            "「" + line.title() + "」のフルフィルメントオーダーはまだ発送処理できません: " + why + "。");
                }
                return new Impossible("quantity_exceeds_fulfillable",
                        "Line \"" + line.title() + "\": " + line.quantity() + " unit(s) to ship but Shopify has only "
                                + fulfillableLeft + " left to fulfil (already fulfilled in Shopify?).",
                        "明細「" + line.title() + "」: 発送数 " + line.quantity() + " に対し、Shopify上の未発送数は "
                                + fulfillableLeft + " です（Shopifyで発送済みの可能性があります）。");
            }
        }
        List<Create> creates = new ArrayList<>();
        byLocation.forEach((location, fos) -> creates.add(new Create(location, fos)));
        return new Ready(creates);
    }

    /** This shipment's fulfillments already in Shopify, and the units of each line item they cover. */
    record Ours(Set<String> fulfillmentIds, Set<String> fulfillmentOrderIds, Map<String, Integer> quantities,
            boolean coversEverything) {
    }

    private static Ours ours(JsonArray fulfillmentOrders, String trackingNumber, Set<String> claimed) {
        Set<String> fulfillments = new LinkedHashSet<>();
        Set<String> fos = new LinkedHashSet<>();
        Map<String, Integer> quantities = new LinkedHashMap<>();
        boolean unknownLines = false;
        for (int i = 0; i < fulfillmentOrders.size(); i++) {
            JsonObject fo = fulfillmentOrders.getJsonObject(i);
            for (JsonObject f : nodes(fo.getJsonObject("fulfillments"))) {
                if ("CANCELLED".equals(f.getString("status")) || claimed.contains(f.getString("id"))
                        || !carries(f, trackingNumber)) {
                    continue;
                }
                fos.add(fo.getString("id"));
                if (!fulfillments.add(f.getString("id"))) {
                    continue;
                }
                if (f.getJsonObject("fulfillmentLineItems") == null) {
                    unknownLines = true;
                    continue;
                }
                for (JsonObject line : nodes(f.getJsonObject("fulfillmentLineItems"))) {
                    quantities.merge(line.getJsonObject("lineItem", new JsonObject()).getString("id"),
                            line.getInteger("quantity", 0), Integer::sum);
                }
            }
        }
        return new Ours(fulfillments, fos, quantities, unknownLines);
    }

    private static boolean carries(JsonObject fulfillment, String trackingNumber) {
        JsonArray tracking = fulfillment.getJsonArray("trackingInfo", new JsonArray());
        if (trackingNumber == null) {
            // A shipment without tracking (the dashboard's "mark fulfilled") owns the untracked
            // fulfillments no other shipment of the order has recorded: there is nothing else to match on.
            for (int t = 0; t < tracking.size(); t++) {
                if (!tracking.getJsonObject(t).getString("number", "").isEmpty()) {
                    return false;
                }
            }
            return true;
        }
        for (int t = 0; t < tracking.size(); t++) {
            if (trackingNumber.equalsIgnoreCase(tracking.getJsonObject(t).getString("number", ""))) {
                return true;
            }
        }
        return false;
    }

    /** Closed, cancelled or incomplete FOs never become fulfillable again: nothing to wait for. */
    private static boolean finished(JsonObject fo) {
        String status = fo.getString("status");
        return "CLOSED".equals(status) || "CANCELLED".equals(status) || "INCOMPLETE".equals(status);
    }

    private static boolean fulfillable(JsonObject fo) {
        String status = fo.getString("status");
        if (!"OPEN".equals(status) && !"IN_PROGRESS".equals(status)) {
            return false;
        }
        JsonArray actions = fo.getJsonArray("supportedActions", new JsonArray());
        for (int i = 0; i < actions.size(); i++) {
            if ("CREATE_FULFILLMENT".equals(actions.getJsonObject(i).getString("action"))) {
                return true;
            }
        }
        return false;
    }

    private static String blocker(JsonObject fo) {
        String status = fo.getString("status", "UNKNOWN");
        return switch (status) {
            case "ON_HOLD" -> {
                List<String> reasons = new ArrayList<>();
                for (Object h : fo.getJsonArray("fulfillmentHolds", new JsonArray())) {
                    if (h instanceof JsonObject hold) {
                        reasons.add(hold.getString("reason", "") + (hold.getString("reasonNotes") == null ? ""
                                : " (" + hold.getString("reasonNotes") + ")"));
                    }
                }
                yield "on hold" + (reasons.isEmpty() ? "" : " " + reasons);
            }
            case "SCHEDULED" -> "scheduled to open at " + fo.getString("fulfillAt", "a later date");
            case "OPEN", "IN_PROGRESS" -> "assigned to " + fo.getJsonObject("assignedLocation", new JsonObject())
                    .getString("name", "a location") + ", which StoreSync cannot fulfil directly (no CREATE_FULFILLMENT)";
            default -> "status " + status;
        };
    }

    private static String locationOf(JsonObject fo) {
        return fo.getJsonObject("assignedLocation", new JsonObject()).getJsonObject("location", new JsonObject())
                .getString("id", "unknown");
    }

    static List<JsonObject> nodes(JsonObject connection) {
        List<JsonObject> out = new ArrayList<>();
        if (connection == null) {
            return out;
        }
        JsonArray nodes = connection.getJsonArray("nodes", new JsonArray());
        for (int i = 0; i < nodes.size(); i++) {
            out.add(nodes.getJsonObject(i));
        }
        return out;
    }
}
