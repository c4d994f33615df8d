package dev.storesync.platform;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * The only place that knows the platform's JSON. The platform's API is not public; these are the
 * fields StoreSync relies on, read leniently: unknown fields are ignored, optional fields may be
 * missing or null, and only a missing identity (id, order or PO number) or a value of the wrong
 * type makes an answer malformed.
 *
 * <pre>
 * GET {base}/orders?updated_since=2026-06-01T00:00:00Z&amp;page=1&amp;per_page=100
 *   {"data": [{"id": "o-1", "order_number": "164", "status": {"approval": {"value": "approved"}},
 *              "created_at": "2026-11-01T09:00:00Z", "updated_at": "2026-11-02T10:00:00Z"}],
 *    "meta": {"current_page": 1, "last_page": 3}}
 * GET {base}/orders/{id}/purchase-orders
 *   {"data": [{"id": "p-1", "po_number": "164-1", "order_id": "o-1", "supplier_name": "Acme",
 *              "ship_date": "2026-11-05", "in_hands_date": "2026-11-10", "operations_status": "in_production"}]}
 * </pre>
 */
public final class PlatformShapes {

    private PlatformShapes() {
    }

    /** A platform order; {@code approval} is {@code status.approval.value} (null when absent). */
    public record Order(String id, String orderNumber, String approval, JsonObject status, Instant createdAt,
            Instant updatedAt) {
    }

    /** A purchase order as the platform sends it ({@code poNumber} not normalised yet). */
    public record PurchaseOrder(String id, String poNumber, String orderId, String supplierName, LocalDate shipDate,
            LocalDate inHandsDate, String operationsStatus) {
    }

    /** One page of orders; {@code lastPage} null when the platform did not say (then an empty page ends). */
    public record OrdersPage(List<Order> orders, int page, Integer lastPage) {

        public boolean isLast() {
            return orders.isEmpty() || (lastPage != null && page >= lastPage);
        }
    }

    /** An answer that does not have the shape above. */
    public static final class MalformedAnswer extends RuntimeException {
        private static final long serialVersionUID = 1L;

        MalformedAnswer(String message) {
            super(message, null, false, false);
        }
    }

    static OrdersPage ordersPage(String body, int page) {
        JsonObject root = object(body);
        JsonArray data = array(root, "data");
        List<Order> orders = new ArrayList<>(data.size());
        for (int i = 0; i < data.size(); i++) {
            orders.add(order(element(data, i), "data[" + i + "]"));
        }
        JsonObject meta = optionalObject(root, "meta", "meta");
        Integer lastPage = meta == null ? null : integer(meta, "last_page", "meta.last_page");
        return new OrdersPage(List.copyOf(orders), page, lastPage);
    }

    static List<PurchaseOrder> purchaseOrders(String body) {
        JsonArray data = array(object(body), "data");
        List<PurchaseOrder> out = new ArrayList<>(data.size());
        for (int i = 0; i < data.size(); i++) {
            JsonObject po = element(data, i);
            String at = "data[" + i + "]";
            out.add(new PurchaseOrder(requiredText(po, "id", at), requiredText(po, "po_number", at),
                    text(po, "order_id", at), text(po, "supplier_name", at), date(po, "ship_date", at),
                    date(po, "in_hands_date", at), text(po, "operations_status", at)));
        }
        return List.copyOf(out);
    }

    private static Order order(JsonObject o, String at) {
        JsonObject status = optionalObject(o, "status", at + ".status");
        JsonObject approval = status == null ? null : optionalObject(status, "approval", at + ".status.approval");
        String approvalValue = approval == null ? null : text(approval, "value", at + ".status.approval");
        return new Order(requiredText(o, "id", at), requiredText(o, "order_number", at), approvalValue,
                status == null ? new JsonObject() : status, instant(o, "created_at", at), instant(o, "updated_at", at));
    }

    private static JsonObject object(String body) {
        try {
            Object parsed = body == null || body.isBlank() ? null : io.vertx.core.json.Json.decodeValue(body);
            if (parsed instanceof JsonObject json) {
                return json;
            }
            throw new MalformedAnswer("the answer is not a JSON object");
        } catch (DecodeException e) {
            throw new MalformedAnswer("the answer is not JSON");
        }
    }

    private static JsonArray array(JsonObject root, String field) {
        Object value = root.getValue(field);
        if (value instanceof JsonArray array) {
            return array;
        }
        throw new MalformedAnswer(field + " must be an array");
    }

    private static JsonObject element(JsonArray array, int i) {
        Object value = array.getValue(i);
        if (value instanceof JsonObject json) {
            return json;
        }
        throw new MalformedAnswer("data[" + i + "] must be an object");
    }

    private static JsonObject optionalObject(JsonObject o, String field, String at) {
        Object value = o.getValue(field);
        if (value == null || value instanceof JsonObject) {
            return (JsonObject) value;
        }
        throw new MalformedAnswer(at + " must be an object");
    }

    private static String requiredText(JsonObject o, String field, String at) {
        String value = text(o, field, at);
        if (value == null || value.isBlank()) {
            throw new MalformedAnswer(at + "." + field + " is missing");
        }
        return value;
    }

    /** Text, also from a number (ids and order numbers are sometimes numeric). */
    private static String text(JsonObject o, String field, String at) {
        Object value = o.getValue(field);
        if (value == null || value instanceof String) {
            return (String) value;
        }
        if (value instanceof Number) {
            return value.toString();
        }
        throw new MalformedAnswer(at + "." + field + " must be a string");
    }

    private static Integer integer(JsonObject o, String field, String at) {
        Object value = o.getValue(field);
        if (value == null) {
            return null;
        }
        if (value instanceof Integer || value instanceof Long) {
            return ((Number) value).intValue();
        }
        throw new MalformedAnswer(at + " must be an integer");
    }

    private static Instant instant(JsonObject o, String field, String at) {
        String value = text(o, field, at);
        try {
            return value == null ? null : OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            throw new MalformedAnswer(at + "." + field + " must be an ISO-8601 timestamp with offset");
        }
    }

    private static LocalDate date(JsonObject o, String field, String at) {
        String value = text(o, field, at);
        try {
            // Some platforms send a date as a timestamp; its date part is what we keep.
            return value == null || value.isBlank() ? null : LocalDate.parse(value.length() > 10 ? value.substring(0, 10) : value);
        } catch (DateTimeParseException e) {
            throw new MalformedAnswer(at + "." + field + " must be a date (YYYY-MM-DD)");
        }
    }
}
