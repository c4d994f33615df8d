package dev.storesync.orders;

import dev.storesync.webhooks.PermanentWebhookFailure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * An order as Shopify last described it, from a webhook payload (REST shape) or a GraphQL read.
 * Ids come from the GIDs: numeric ids in payloads may have passed through JavaScript doubles.
 */
public record OrderSnapshot(long shopifyId, String gid, String name, Instant createdAt, Instant updatedAt,
        Instant observedAt, Instant cancelledAt, String cancelReason, String financialStatus, String fulfillmentStatus,
        String customerName, String customerEmail, List<Line> lines) {

    /**
     * One line item. {@code quantity} is the current quantity (what the customer still orders after
     * order edits and refunds; 0 for a removed line), {@code orderedQuantity} the original one.
     */
    public record Line(long shopifyId, String gid, String sku, String title, String variantTitle, Long variantId,
            String vendor, int quantity, int orderedQuantity, boolean requiresShipping, Integer fulfillableQuantity) {
    }

    /** From an {@code orders/*} webhook body, triggered at {@code triggeredAt}. */
    public static OrderSnapshot fromWebhook(JsonObject o, Instant triggeredAt) {
        String gid = o.getString("admin_graphql_api_id");
        JsonObject customer = o.getJsonObject("customer");
        String customerName = customer == null ? null
                : join(customer.getString("first_name"), customer.getString("last_name"));
        // The customer's own address first: it is what Shopify's customers/redact requests name.
        String email = customer != null && customer.getString("email") != null ? customer.getString("email")
                : o.getString("email");
        List<Line> lines = new ArrayList<>();
        JsonArray items = o.getJsonArray("line_items", new JsonArray());
        if (items == null) {
            throw PermanentWebhookFailure.unreadablePayload("line_items must be an array");
        }
        for (int i = 0; i < items.size(); i++) {
            JsonObject li = items.getJsonObject(i);
            if (li == null) {
                throw PermanentWebhookFailure.unreadablePayload("line_items[" + i + "] must be an object");
            }
            String lineGid = li.getString("admin_graphql_api_id");
            int ordered = li.getInteger("quantity", 0);
            lines.add(new Line(idOf(lineGid, li.getValue("id")), lineGid, blankToNull(li.getString("sku")),
                    li.getString("title", ""), li.getString("variant_title"), longOrNull(li.getValue("variant_id")),
                    blankToNull(li.getString("vendor")), orElse(li.getInteger("current_quantity"), ordered), ordered,
                    li.getBoolean("requires_shipping", true), li.getInteger("fulfillable_quantity")));
        }
        Instant updatedAt = time(o.getString("updated_at"));
        return new OrderSnapshot(idOf(gid, o.getValue("id")), gid, o.getString("name"), time(o.getString("created_at")),
                updatedAt, triggeredAt == null ? updatedAt : triggeredAt, time(o.getString("cancelled_at")), o.getString("cancel_reason"),
                o.getString("financial_status"), o.getString("fulfillment_status"), customerName, email, lines);
    }

    /** From an {@code Order} node of {@code OrdersUpdatedSince}, read at {@code readAt}. */
    public static OrderSnapshot fromGraphql(JsonObject o, Instant readAt) {
        String gid = o.getString("id");
        JsonObject customer = o.getJsonObject("customer");
        String email = customer == null ? null
                : customer.getJsonObject("defaultEmailAddress", new JsonObject()).getString("emailAddress");
        List<Line> lines = new ArrayList<>();
        JsonArray nodes = o.getJsonObject("lineItems", new JsonObject()).getJsonArray("nodes", new JsonArray());
        for (int i = 0; i < nodes.size(); i++) {
            JsonObject li = nodes.getJsonObject(i);
            String lineGid = li.getString("id");
            int ordered = li.getInteger("quantity", 0);
            lines.add(new Line(idOf(lineGid, null), lineGid, blankToNull(li.getString("sku")), li.getString("title", ""),
                    null, null, blankToNull(li.getString("vendor")), orElse(li.getInteger("currentQuantity"), ordered), ordered,
                    li.getBoolean("requiresShipping", true), null));
        }
        Instant updatedAt = time(o.getString("updatedAt"));
        // A read shows the order as it is when read, so it outranks versions sent before the read.
        return new OrderSnapshot(idOf(gid, null), gid, o.getString("name"), time(o.getString("createdAt")),
                updatedAt, readAt, time(o.getString("cancelledAt")), null,
                lower(o.getString("displayFinancialStatus")), lower(o.getString("displayFulfillmentStatus")),
                customer == null ? null : customer.getString("displayName"), email, lines);
    }

    static long idOf(String gid, Object numeric) {
        if (gid != null) {
            int slash = gid.lastIndexOf('/');
            int query = gid.indexOf('?');
            return Long.parseLong(gid.substring(slash + 1, query > slash ? query : gid.length()));
        }
        if (numeric instanceof Number n) {
            return n.longValue();
        }
        throw new IllegalArgumentException("payload has neither admin_graphql_api_id nor a numeric id");
    }

    private static Instant time(String value) {
        return value == null || value.isBlank() ? null : OffsetDateTime.parse(value).toInstant();
    }

    // Payloads from before order edits existed (or trimmed by include_fields) lack the current quantity.
    private static int orElse(Integer value, int fallback) {
        return value == null ? fallback : value;
    }

    private static Long longOrNull(Object value) {
        return value instanceof Number n ? n.longValue() : null;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    private static String lower(String s) {
        return s == null ? null : s.toLowerCase(java.util.Locale.ROOT);
    }

    private static String join(String a, String b) {
        String joined = ((a == null ? "" : a) + " " + (b == null ? "" : b)).trim();
        return joined.isEmpty() ? null : joined;
    }
}
