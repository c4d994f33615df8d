package dev.storesync.shipments.tracking;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What Shopify says about one fulfillment, from a {@code fulfillments/create|update} webhook or from
 * the poller's GraphQL read: the two sources are brought to one shape so they share one code path.
 *
 * @param orderGid       the order's GID
 * @param fulfillmentGid the fulfillment's GID
 * @param status         Shopify's fulfillment status, lower case (success, cancelled, …)
 * @param shipmentStatus the carrier's state, lower case (in_transit, delivered, failure, …), or null
 * @param updatedAt      Shopify's updated_at: the last update of the fulfillment
 * @param lines          the units covered, by the order line's Shopify id
 */
public record FulfillmentReport(String orderGid, String fulfillmentGid, String status, String shipmentStatus,
        String trackingNumber, String trackingCompany, String trackingUrl, Instant createdAt, Instant updatedAt,
        List<Line> lines) {

    /** Units of one order line. */
    public record Line(long lineItemShopifyId, int quantity) {
    }

    /** From a REST-shaped webhook body; IllegalArgumentException when a required field is missing or malformed. */
    public static FulfillmentReport fromWebhook(JsonObject p) {
        String gid = p.getString("admin_graphql_api_id");
        if (gid == null) {
            gid = "gid://shopify/Fulfillment/" + number(p.getValue("id"), "id");
        }
        Object orderId = p.getValue("order_id");
        String orderGid = "gid://shopify/Order/" + number(orderId, "order_id");
        Instant updated = time(p.getString("updated_at"), "updated_at");
        List<Line> lines = new ArrayList<>();
        Object items = p.getValue("line_items");
        if (items != null && !(items instanceof JsonArray)) {
            throw new IllegalArgumentException("line_items must be an array");
        }
        if (items != null) {
            for (Object item : (JsonArray) items) {
                if (!(item instanceof JsonObject line)) {
                    throw new IllegalArgumentException("line_items must hold objects");
                }
                lines.add(new Line(number(line.getValue("id"), "line_items[].id"), quantity(line.getValue("quantity"))));
            }
        }
        return new FulfillmentReport(orderGid, gid, lower(p.getString("status")), lower(p.getString("shipment_status")),
                blankToNull(p.getString("tracking_number")), blankToNull(p.getString("tracking_company")),
                blankToNull(p.getString("tracking_url")), p.getString("created_at") == null ? null
                        : time(p.getString("created_at"), "created_at"),
                updated, lines);
    }

    /**
     * From a {@code Fulfillment} node of {@code OrderFulfillmentsTracking}. GraphQL has no
     * shipment_status: {@code displayStatus} carries the carrier's state (IN_TRANSIT, DELIVERED…)
     * and otherwise the fulfillment's own (FULFILLED, CANCELED…), which is no carrier state.
     */
    public static FulfillmentReport fromGraphql(String orderGid, JsonObject f) {
        JsonArray tracking = f.getJsonArray("trackingInfo", new JsonArray());
        JsonObject first = tracking.isEmpty() ? new JsonObject() : tracking.getJsonObject(0);
        List<Line> lines = new ArrayList<>();
        JsonObject items = f.getJsonObject("fulfillmentLineItems", new JsonObject());
        for (Object node : items.getJsonArray("nodes", new JsonArray())) {
            JsonObject n = (JsonObject) node;
            String lineGid = n.getJsonObject("lineItem", new JsonObject()).getString("id");
            if (lineGid != null) {
                lines.add(new Line(Long.parseLong(lineGid.substring(lineGid.lastIndexOf('/') + 1)),
                        n.getInteger("quantity", 0)));
            }
        }
        String display = lower(f.getString("displayStatus"));
        String shipmentStatus = display == null || List.of("fulfilled", "marked_as_fulfilled", "canceled", "submitted",
                "label_voided").contains(display) ? null : display;
        return new FulfillmentReport(orderGid, f.getString("id"), lower(f.getString("status")), shipmentStatus,
                blankToNull(first.getString("number")), blankToNull(first.getString("company")),
                blankToNull(first.getString("url")), f.getString("createdAt") == null ? null
                        : time(f.getString("createdAt"), "createdAt"),
                time(f.getString("updatedAt"), "updatedAt"), lines);
    }

    /** Whether Shopify counts the fulfillment (not cancelled or failed). */
    public boolean active() {
        return "success".equals(status) || "open".equals(status) || "pending".equals(status);
    }

    public JsonObject tracking() {
        return new JsonObject().put("number", trackingNumber).put("company", trackingCompany).put("url", trackingUrl);
    }

    private static long number(Object value, String field) {
        if (value instanceof Number n) {
            return n.longValue();
        }
        if (value instanceof String s && s.matches("[0-9]{1,19}")) {
            return Long.parseLong(s);
        }
        throw new IllegalArgumentException(field + " must be a number");
    }

    private static int quantity(Object value) {
        if (value instanceof Number n && n.intValue() >= 0) {
            return n.intValue();
        }
        throw new IllegalArgumentException("line_items[].quantity must be a number");
    }

    private static Instant time(String value, String field) {
        if (value == null) {
            throw new IllegalArgumentException(field + " is missing");
        }
        return OffsetDateTime.parse(value).toInstant();
    }

    private static String lower(String s) {
        return s == null || s.isBlank() ? null : s.toLowerCase(Locale.ROOT);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
