package dev.storesync.shopify.sim;

import graphql.schema.DataFetchingEnvironment;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The mutations the simulator runs, with the checks Shopify makes and {@code userErrors} in its
 * style. Each runs under the shop's lock (see {@link SimGraphql}).
 */
final class SimMutations {

    /** Topics whose payloads carry protected customer data. */
    private static final Set<String> PROTECTED_TOPICS = Set.of("ORDERS_CREATE", "ORDERS_UPDATED", "ORDERS_CANCELLED",
            "ORDERS_EDITED", "ORDERS_FULFILLED", "ORDERS_PAID", "ORDERS_PARTIALLY_FULFILLED", "FULFILLMENTS_CREATE",
            "FULFILLMENTS_UPDATE", "CUSTOMERS_CREATE", "CUSTOMERS_UPDATE", "CUSTOMERS_DELETE");

    /** The first API version that requires changeFromQuantity on every inventory quantity. */
    static final String CHANGE_FROM_REQUIRED_SINCE = "2026-04";

    private static final Set<String> INVENTORY_REASONS = Set.of("correction", "cycle_count_available", "damaged",
            "movement_created", "movement_updated", "movement_received", "movement_canceled", "other", "promotion",
            "quality_control", "received", "reservation_created", "reservation_deleted", "reservation_updated",
            "restock", "safety_stock", "shrinkage");

    // --- fulfillmentCreate / fulfillmentCancel --------------------------------------------------

    @SuppressWarnings("unchecked")
    Map<String, Object> fulfillmentCreate(DataFetchingEnvironment env) {
        SimShop shop = SimGraphql.shop(env);
        Map<String, Object> input = env.getArgument("fulfillment");
        List<Map<String, Object>> groups = (List<Map<String, Object>>) input.get("lineItemsByFulfillmentOrder");
        List<Map<String, Object>> errors = new ArrayList<>();
        List<SimFulfillment.Line> lines = new ArrayList<>();
        SimOrder order = null;
        SimLocation location = null;
        if (groups.isEmpty()) {
            errors.add(userError("Line items by fulfillment order can't be blank.", "fulfillment",
                    "lineItemsByFulfillmentOrder"));
        }
        for (Map<String, Object> group : groups) {
            SimFulfillmentOrder fo = shop.fulfillmentOrder((String) group.get("fulfillmentOrderId"));
            if (fo == null) {
                errors.add(userError("Fulfillment order does not exist.", "fulfillment"));
                continue;
            }
            if (order != null && fo.order() != order) {
                errors.add(userError("All fulfillment orders must belong to the same order.", "fulfillment"));
                continue;
            }
            if (location != null && fo.location() != location) {
                errors.add(userError("All fulfillment orders must be assigned to the same location.", "fulfillment"));
                continue;
            }
            order = fo.order();
            location = fo.location();
            if (fo.supportedActions().stream().noneMatch(a -> a.action().equals("CREATE_FULFILLMENT"))) {
                errors.add(userError(fo.location().isFulfillmentService()
                        ? "The fulfillment order's assigned fulfillment service must be of api type"
                        : "Fulfillment order " + fo.id().substring(fo.id().lastIndexOf('/') + 1)
                                + " has an unfulfillable status= " + fo.status().name().toLowerCase(java.util.Locale.ROOT)
                                + ".", "fulfillment"));
                continue;
            }
            List<Map<String, Object>> requested = (List<Map<String, Object>>) group.get("fulfillmentOrderLineItems");
            if (requested == null) {
                fo.lineItems().stream().filter(l -> l.remainingQuantity() > 0)
                        .forEach(l -> lines.add(new SimFulfillment.Line(fo, l, l.remainingQuantity())));
                continue;
            }
            for (Map<String, Object> wanted : requested) {
                String lineId = (String) wanted.get("id");
                int quantity = (Integer) wanted.get("quantity");
                SimFulfillmentOrderLineItem line = fo.lineItems().stream().filter(l -> l.id().equals(lineId))
                        .findFirst().orElse(null);
                if (line == null) {
                    errors.add(userError("Fulfillment order line item does not exist.", "fulfillment"));
                } else if (quantity <= 0 || quantity > line.remainingQuantity()) {
                    errors.add(userError("Invalid fulfillment order line item quantity requested.", "fulfillment"));
                } else {
                    lines.add(new SimFulfillment.Line(fo, line, quantity));
                }
            }
        }
        if (errors.isEmpty() && lines.isEmpty()) {
            errors.add(userError("Fulfillment order has no line items to fulfill.", "fulfillment"));
        }
        if (!errors.isEmpty()) {
            return payload("fulfillment", null, errors);
        }
        for (SimFulfillment.Line line : lines) {
            line.line().remainingQuantity(line.line().remainingQuantity() - line.quantity());
        }
        SimFulfillment fulfillment = new SimFulfillment(shop.nextId(), order, location,
                tracking((Map<String, Object>) input.get("trackingInfo")), lines,
                Boolean.TRUE.equals(input.get("notifyCustomer")), shop.now());
        shop.add(fulfillment);
        lines.stream().map(SimFulfillment.Line::fulfillmentOrder).distinct().forEach(fo -> {
            fo.status(fo.progressStatus());
        });
        return payload("fulfillment", fulfillment, errors);
    }

    @SuppressWarnings("unchecked")
    private static List<SimFulfillment.TrackingInfo> tracking(Map<String, Object> input) {
        List<SimFulfillment.TrackingInfo> tracking = new ArrayList<>();
        if (input == null) {
            return tracking;
        }
        String company = (String) input.get("company");
        if (input.get("number") != null) {
            tracking.add(new SimFulfillment.TrackingInfo((String) input.get("number"), company,
                    (String) input.get("url")));
        }
        List<String> numbers = (List<String>) input.get("numbers");
        List<String> urls = (List<String>) input.get("urls");
        if (numbers != null) {
            for (int i = 0; i < numbers.size(); i++) {
                tracking.add(new SimFulfillment.TrackingInfo(numbers.get(i), company,
                        urls != null && i < urls.size() ? urls.get(i) : null));
            }
        }
        return tracking;
    }

    Map<String, Object> fulfillmentCancel(DataFetchingEnvironment env) {
        SimShop shop = SimGraphql.shop(env);
        SimFulfillment fulfillment = shop.fulfillment(env.getArgument("id"));
        if (fulfillment == null) {
            return payload("fulfillment", null, List.of(userError("Fulfillment does not exist.", "id")));
        }
        if (!fulfillment.isActive()) {
            return payload("fulfillment", null, List.of(userError("Fulfillment has already been cancelled.", "id")));
        }
        if (!fulfillment.cancellable()) {
            return payload("fulfillment", null, List.of(userError("Fulfillment cannot be canceled.", "id")));
        }
        fulfillment.cancel(shop.now());
        shop.fulfillmentChanged(fulfillment, false);
        for (SimFulfillment.Line line : fulfillment.lines()) {
            line.line().remainingQuantity(line.line().remainingQuantity() + line.quantity());
        }
        fulfillment.lines().stream().map(SimFulfillment.Line::fulfillmentOrder).distinct()
                .filter(fo -> fo.status() == FulfillmentOrderStatus.CLOSED
                        || fo.status() == FulfillmentOrderStatus.IN_PROGRESS)
                .forEach(fo -> fo.status(fo.progressStatus()));
        return payload("fulfillment", fulfillment, List.of());
    }

    // --- Webhook subscriptions ----------------------------------------------------------------

    @SuppressWarnings("unchecked")
    Map<String, Object> webhookSubscriptionCreate(DataFetchingEnvironment env) {
        SimShop shop = SimGraphql.shop(env);
        String topic = env.getArgument("topic");
        Map<String, Object> input = env.getArgument("webhookSubscription");
        String callbackUrl = (String) input.get("callbackUrl");
        List<Map<String, Object>> errors = new ArrayList<>(checkAddress(callbackUrl));
        if (PROTECTED_TOPICS.contains(topic) && !shop.protectedCustomerDataApproved()) {
            errors.add(userError("This app is not approved to subscribe to webhook topics containing protected "
                    + "customer data. See https://shopify.dev/docs/apps/launch/protected-customer-data for more details.",
                    "webhookSubscription"));
        }
        if (shop.webhookSubscriptions().stream()
                .anyMatch(s -> s.topic().equals(topic) && s.callbackUrl().equals(callbackUrl))) {
            errors.add(userError("Address for this topic has already been taken", "webhookSubscription",
                    "callbackUrl"));
        }
        if (!errors.isEmpty()) {
            return payload("webhookSubscription", null, errors);
        }
        SimWebhookSubscription subscription = new SimWebhookSubscription(shop.nextId(), topic, callbackUrl,
                input.get("format") == null ? "JSON" : (String) input.get("format"),
                input.get("includeFields") == null ? List.of() : (List<String>) input.get("includeFields"),
                (String) input.get("filter"), env.getGraphQlContext().get(SimGraphql.VERSION), shop.now());
        shop.add(subscription);
        return payload("webhookSubscription", subscription, errors);
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> webhookSubscriptionUpdate(DataFetchingEnvironment env) {
        SimShop shop = SimGraphql.shop(env);
        SimWebhookSubscription subscription = shop.webhookSubscription(env.getArgument("id"));
        if (subscription == null) {
            return payload("webhookSubscription", null,
                    List.of(userError("Webhook subscription does not exist", "id")));
        }
        Map<String, Object> input = env.getArgument("webhookSubscription");
        String callbackUrl = (String) input.get("callbackUrl");
        List<Map<String, Object>> errors = callbackUrl == null ? List.of() : checkAddress(callbackUrl);
        if (!errors.isEmpty()) {
            return payload("webhookSubscription", null, errors);
        }
        subscription.update(callbackUrl, (String) input.get("format"), (List<String>) input.get("includeFields"),
                (String) input.get("filter"), shop.now());
        return payload("webhookSubscription", subscription, errors);
    }

    Map<String, Object> webhookSubscriptionDelete(DataFetchingEnvironment env) {
        SimShop shop = SimGraphql.shop(env);
        SimWebhookSubscription removed = shop.removeWebhookSubscription(env.getArgument("id"));
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("deletedWebhookSubscriptionId", removed == null ? null : removed.id());
        payload.put("userErrors", removed == null
                ? List.of(userError("Webhook subscription does not exist", "id")) : List.of());
        return payload;
    }

    /** Shopify wants HTTPS; plain HTTP is accepted only for this machine, where tests run. */
    private static List<Map<String, Object>> checkAddress(String callbackUrl) {
        if (callbackUrl == null || callbackUrl.isBlank()) {
            return List.of(userError("Address can't be blank", "webhookSubscription", "callbackUrl"));
        }
        URI uri;
        try {
            uri = URI.create(callbackUrl);
        } catch (IllegalArgumentException e) {
            return List.of(userError("Address is invalid", "webhookSubscription", "callbackUrl"));
        }
        boolean local = "localhost".equals(uri.getHost()) || "127.0.0.1".equals(uri.getHost());
        if (!"https".equals(uri.getScheme()) && !("http".equals(uri.getScheme()) && local)) {
            return List.of(userError("Address protocol " + uri.getScheme() + ":// is not supported",
                    "webhookSubscription", "callbackUrl"));
        }
        return List.of();
    }

    // --- Inventory ----------------------------------------------------------------------------

    /**
     * {@code inventorySetQuantities}, with the {@code @idempotent(key:)} directive of 2026-01 on: the
     * first answer for a key is kept, and the same key with the same input gets it again without a
     * second write; with other input it is refused ({@code IDEMPOTENCY_KEY_PARAMETER_MISMATCH}), and
     * after a refused first attempt the key is spent ({@code IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED}).
     */
    Object inventorySetQuantities(DataFetchingEnvironment env) {
        SimShop shop = SimGraphql.shop(env);
        Map<String, Object> input = env.getArgument("input");
        String key = idempotencyKey(env);
        if (key != null) {
            SimShop.Idempotent earlier = shop.idempotent(key);
            if (earlier != null) {
                if (!earlier.input().equals(input)) {
                    return refusal("IDEMPOTENCY_KEY_PARAMETER_MISMATCH",
                            "The idempotency key was already used with different parameters.");
                }
                return earlier.failed() ? refusal("IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED",
                        "The previous attempt with this idempotency key failed; retry with a new key.")
                        : earlier.payload();
            }
        }
        Object payload = setQuantities(env, shop, input);
        if (key != null && payload instanceof Map<?, ?> answer) {
            shop.idempotent(key, new SimShop.Idempotent(input, payload,
                    !((List<?>) answer.get("userErrors")).isEmpty()));
        }
        return payload;
    }

    private static String idempotencyKey(DataFetchingEnvironment env) {
        List<graphql.execution.directives.QueryAppliedDirective> applied = env.getQueryDirectives()
                .getImmediateAppliedDirective("idempotent");
        if (applied.isEmpty()) {
            return null;
        }
        Object key = applied.get(0).getArgument("key").getValue();
        return key == null ? null : key.toString();
    }

    private static Map<String, Object> refusal(String code, String message) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("inventoryAdjustmentGroup", null);
        payload.put("userErrors", List.of(codedError(code, message)));
        return payload;
    }

    /**
     * {@code inventoryActivate}: starts stocking an item at a location with {@code available} (default
     * 0). Activating an item already stocked there changes nothing and answers its level.
     */
    Map<String, Object> inventoryActivate(DataFetchingEnvironment env) {
        SimShop shop = SimGraphql.shop(env);
        SimInventoryItem item = shop.inventoryItem(env.<String>getArgument("inventoryItemId"));
        SimLocation location = shop.location(env.getArgument("locationId"));
        if (item == null || !item.id().equals(env.getArgument("inventoryItemId"))) {
            return payload("inventoryLevel", null, List.of(userError("Inventory item does not exist",
                    "inventoryItemId")));
        }
        if (location == null) {
            return payload("inventoryLevel", null, List.of(userError("Location does not exist", "locationId")));
        }
        Integer available = env.getArgument("available");
        SimInventoryItem.Level level = item.activate(location, available == null ? 0 : available);
        return payload("inventoryLevel", level, List.of());
    }

    @SuppressWarnings("unchecked")
    private Object setQuantities(DataFetchingEnvironment env, SimShop shop, Map<String, Object> input) {
        String name = (String) input.get("name");
        String reason = (String) input.get("reason");
        boolean ignoreCompare = Boolean.TRUE.equals(input.get("ignoreCompareQuantity"));
        // From 2026-04 every quantity must carry changeFromQuantity explicitly (null skips the check);
        // once present, in any version, compareQuantity and ignoreCompareQuantity are ignored.
        String version = env.getGraphQlContext().get(SimGraphql.VERSION);
        boolean changeFromRequired = version != null && version.compareTo(CHANGE_FROM_REQUIRED_SINCE) >= 0;
        List<Map<String, Object>> quantities = (List<Map<String, Object>>) input.get("quantities");
        if (quantities.size() > SimGraphql.MAX_INPUT_SIZE) {
            return SimGraphql.error(env, "The input array size of " + quantities.size()
                    + " is greater than the maximum allowed of " + SimGraphql.MAX_INPUT_SIZE + ".");
        }
        List<Map<String, Object>> errors = new ArrayList<>();
        if (!name.equals("available") && !name.equals("on_hand")) {
            errors.add(codedError("INVALID_NAME", "The quantity name must be either 'available' or 'on_hand'.",
                    "input", "name"));
        }
        if (!INVENTORY_REASONS.contains(reason)) {
            errors.add(codedError("INVALID_REASON", "The specified reason is invalid.", "input", "reason"));
        }
        Set<String> pairs = new HashSet<>();
        List<SimInventoryItem.Level> levels = new ArrayList<>();
        for (int i = 0; i < quantities.size(); i++) {
            Map<String, Object> q = quantities.get(i);
            String index = Integer.toString(i);
            SimInventoryItem item = shop.inventoryItems().stream()
                    .filter(it -> it.id().equals(q.get("inventoryItemId"))).findFirst().orElse(null);
            SimLocation location = shop.location((String) q.get("locationId"));
            int quantity = (Integer) q.get("quantity");
            if (!pairs.add(q.get("inventoryItemId") + "|" + q.get("locationId"))) {
                errors.add(codedError("NO_DUPLICATE_INVENTORY_ITEM_ID_GROUP_ID_PAIR",
                        "The combination of inventoryItemId and locationId must be unique.", "input", "quantities",
                        index));
            } else if (item == null) {
                errors.add(codedError("INVALID_INVENTORY_ITEM", "The specified inventory item could not be found.",
                        "input", "quantities", index, "inventoryItemId"));
            } else if (location == null) {
                errors.add(codedError("INVALID_LOCATION", "The specified location could not be found.", "input",
                        "quantities", index, "locationId"));
            } else if (item.level(location) == null) {
                errors.add(codedError("ITEM_NOT_STOCKED_AT_LOCATION",
                        "The specified inventory item is not stocked at the location.", "input", "quantities", index,
                        "locationId"));
            } else if (quantity < 0 && name.equals("on_hand")) {
                errors.add(codedError("INVALID_QUANTITY_NEGATIVE", "The quantity can't be negative.", "input",
                        "quantities", index, "quantity"));
            } else if (quantity > 1_000_000_000) {
                errors.add(codedError("INVALID_QUANTITY_TOO_HIGH", "The quantity can't be higher than 1,000,000,000.",
                        "input", "quantities", index, "quantity"));
            } else if (changeFromRequired && !q.containsKey("changeFromQuantity")) {
                errors.add(codedError("COMPARE_QUANTITY_REQUIRED",
                        "The changeFromQuantity argument must be given to each quantity (null skips the check).",
                        "input", "quantities", index, "changeFromQuantity"));
            } else if (q.containsKey("changeFromQuantity")) {
                Integer from = (Integer) q.get("changeFromQuantity");
                if (from != null && from != item.level(location).quantity(name)) {
                    errors.add(codedError("CHANGE_FROM_QUANTITY_STALE",
                            "The changeFromQuantity value does not match the current quantity.", "input",
                            "quantities", index, "changeFromQuantity"));
                } else {
                    levels.add(item.level(location));
                }
            } else if (!ignoreCompare && q.get("compareQuantity") == null) {
                errors.add(codedError("COMPARE_QUANTITY_REQUIRED",
                        "The compareQuantity argument must be given to each quantity or ignored using "
                                + "ignoreCompareQuantity.", "input", "quantities", index, "compareQuantity"));
            } else if (!ignoreCompare && ((Integer) q.get("compareQuantity")) != item.level(location).quantity(name)) {
                errors.add(codedError("COMPARE_QUANTITY_STALE",
                        "The compareQuantity value does not match the current quantity.", "input", "quantities",
                        index, "compareQuantity"));
            } else {
                levels.add(item.level(location));
            }
        }
        Map<String, Object> payload = new LinkedHashMap<>();
        if (!errors.isEmpty()) {
            payload.put("inventoryAdjustmentGroup", null);
            payload.put("userErrors", errors);
            return payload;
        }
        List<Map<String, Object>> changes = new ArrayList<>();
        shop.countInventoryWrite();
        for (int i = 0; i < quantities.size(); i++) {
            SimInventoryItem.Level level = levels.get(i);
            int delta = level.set(name, (Integer) quantities.get(i).get("quantity"));
            Map<String, Object> change = new LinkedHashMap<>();
            change.put("name", name);
            change.put("delta", delta);
            change.put("quantityAfterChange", level.quantity(name));
            change.put("item", level.item());
            change.put("location", level.location());
            changes.add(change);
        }
        Map<String, Object> group = new LinkedHashMap<>();
        group.put("id", "gid://shopify/InventoryAdjustmentGroup/" + shop.nextId());
        group.put("createdAt", shop.now());
        group.put("reason", reason);
        group.put("referenceDocumentUri", input.get("referenceDocumentUri"));
        group.put("changes", changes);
        payload.put("inventoryAdjustmentGroup", group);
        payload.put("userErrors", List.of());
        return payload;
    }

    // --- userErrors ---------------------------------------------------------------------------

    // --- metafieldsSet (orders only: the owners the service writes) ------------------------------------

    @SuppressWarnings("unchecked")
    Map<String, Object> metafieldsSet(DataFetchingEnvironment env) {
        SimShop shop = SimGraphql.shop(env);
        List<Map<String, Object>> inputs = env.getArgument("metafields");
        List<Map<String, Object>> errors = new ArrayList<>();
        List<Map<String, Object>> set = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            Map<String, Object> in = inputs.get(i);
            SimOrder owner = shop.order((String) in.get("ownerId"));
            if (owner == null) {
                Map<String, Object> error = userError("Owner does not exist.", "metafields", String.valueOf(i), "ownerId");
                error.put("code", "INVALID_VALUE");
                errors.add(error);
            }
        }
        if (!errors.isEmpty()) {
            return payload("metafields", null, errors);
        }
        for (Map<String, Object> in : inputs) {
            SimOrder owner = shop.order((String) in.get("ownerId"));
            String namespace = in.get("namespace") == null ? "app" : (String) in.get("namespace");
            owner.metafield(namespace, (String) in.get("key"), (String) in.get("value"));
            Map<String, Object> metafield = new LinkedHashMap<>();
            metafield.put("id", "gid://shopify/Metafield/" + shop.nextId());
            metafield.put("namespace", namespace);
            metafield.put("key", in.get("key"));
            metafield.put("value", in.get("value"));
            metafield.put("type", in.get("type") == null ? "single_line_text_field" : in.get("type"));
            set.add(metafield);
        }
        return payload("metafields", set, errors);
    }

    private static Map<String, Object> payload(String key, Object value, List<Map<String, Object>> errors) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put(key, value);
        payload.put("userErrors", errors);
        return payload;
    }

    private static Map<String, Object> userError(String message, String... field) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("field", List.of(field));
        error.put("message", message);
        return error;
    }

    private static Map<String, Object> codedError(String code, String message, String... field) {
        Map<String, Object> error = userError(message, field);
        error.put("code", code);
        return error;
    }
}
