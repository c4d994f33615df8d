package dev.storesync.webhooks;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Set;

/**
 * Which parts of a Shopify REST-shaped payload identify a person, and how to remove them. Removed
 * values become {@code null}, so the payload keeps its shape; the customer object keeps only its
 * ids, which is what later processing needs to link records.
 */
final class PersonalData {

    /** Objects that are, as a whole, a person's address or client details. */
    private static final Set<String> PERSONAL_OBJECTS = Set.of(
            "billing_address", "shipping_address", "default_address", "destination", "addresses", "client_details");
    /** Values that name or reach a person wherever they appear. */
    private static final Set<String> PERSONAL_VALUES = Set.of(
            "email", "contact_email", "phone", "first_name", "last_name", "browser_ip", "note");
    private static final Set<String> CUSTOMER_IDS = Set.of("id", "admin_graphql_api_id");

    private PersonalData() {
    }

    /** A copy of the payload without personal data. */
    static JsonObject redact(JsonObject payload) {
        return (JsonObject) scrub(payload.copy());
    }

    private static Object scrub(Object value) {
        if (value instanceof JsonObject object) {
            for (String key : List.copyOf(object.fieldNames())) {
                Object child = object.getValue(key);
                if (child == null) {
                    continue;
                }
                if (PERSONAL_OBJECTS.contains(key) || PERSONAL_VALUES.contains(key)) {
                    object.putNull(key);
                } else if ("customer".equals(key) && child instanceof JsonObject customer) {
                    JsonObject ids = new JsonObject();
                    CUSTOMER_IDS.forEach(id -> ids.put(id, customer.getValue(id)));
                    object.put(key, ids);
                } else {
                    object.put(key, scrub(child));
                }
            }
        } else if (value instanceof JsonArray array) {
            for (int i = 0; i < array.size(); i++) {
                array.set(i, scrub(array.getValue(i)));
            }
        }
        return value;
    }
}
