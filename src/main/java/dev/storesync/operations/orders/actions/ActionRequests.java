package dev.storesync.operations.orders.actions;

import dev.storesync.kernel.Problem;
import dev.storesync.kernel.ProblemException;
import dev.storesync.shops.ShopDomains;
import java.util.ArrayList;
import java.util.List;

/**
 * The checks of the action bodies, before anything is read or written: no body or no
 * {@code shop_domain} is a 400 (the request does not say which shop it is about), every other bad
 * value a 422 naming its field.
 */
final class ActionRequests {

    static final int MAX_ORDERS = 100;
    private static final int MAX_NAME = 200;
    private static final int MAX_NOTE = 5000;

    private ActionRequests() {
    }

    /** The normalised shop domain of a body. */
    static String shop(Object body, String shopDomain) {
        if (body == null) {
            throw ProblemException.badRequest("The request needs a JSON body with shop_domain.");
        }
        if (shopDomain == null || shopDomain.isBlank()) {
            throw new ProblemException(Problem.of(400, "missing-shop-domain", "shop_domain missing",
                    "shop_domain is required: the shop the orders belong to."));
        }
        return ShopDomains.normalise(shopDomain)
                .orElseThrow(() -> ProblemException.invalidField("shop_domain", "must be a *.myshopify.com domain"));
    }

    static List<String> orderIds(List<String> raw) {
        List<Problem.FieldError> errors = new ArrayList<>();
        if (raw == null || raw.isEmpty()) {
            throw ProblemException.invalidField("orderIds", "must list 1 to " + MAX_ORDERS + " orders");
        }
        if (raw.size() > MAX_ORDERS) {
            throw ProblemException.invalidField("orderIds", "must list at most " + MAX_ORDERS + " orders (got " + raw.size() + ")");
        }
        for (int i = 0; i < raw.size(); i++) {
            String ref = raw.get(i);
            if (ref == null || ref.isBlank() || ref.length() > MAX_NAME) {
                errors.add(new Problem.FieldError("orderIds[" + i + "]", "must be an order GID, Shopify id or name"));
            }
        }
        if (!errors.isEmpty()) {
            throw ProblemException.unprocessable("The request has " + errors.size() + " invalid field(s).", errors);
        }
        return raw.stream().map(String::trim).toList();
    }

    static String orderId(String raw) {
        if (raw == null || raw.isBlank() || raw.length() > MAX_NAME) {
            throw ProblemException.invalidField("orderId", "must be an order GID, Shopify id or name");
        }
        return raw.trim();
    }

    static String name(String field, String raw) {
        if (raw == null || raw.isBlank() || raw.trim().length() > MAX_NAME) {
            throw ProblemException.invalidField(field, "must be 1 to " + MAX_NAME + " characters");
        }
        return raw.trim();
    }

    static String optionalName(String field, String raw) {
        return raw == null ? null : name(field, raw);
    }

    static String note(String field, String raw, boolean required) {
        if (raw == null && !required) {
            return null;
        }
        if (raw == null || raw.isBlank() || raw.length() > MAX_NOTE) {
            throw ProblemException.invalidField(field, "must be 1 to " + MAX_NOTE + " characters");
        }
        return raw.trim();
    }

    static ActionDtos.Tracking tracking(ActionDtos.Tracking t) {
        if (t == null) {
            return null;
        }
        if (t.number() == null || t.number().isBlank() || t.number().trim().length() > 100) {
            throw ProblemException.invalidField("tracking.number", "must be 1 to 100 characters");
        }
        if (t.carrier() != null && (t.carrier().isBlank() || t.carrier().trim().length() > 100)) {
            throw ProblemException.invalidField("tracking.carrier", "must be 1 to 100 characters");
        }
        if (t.url() != null && (t.url().length() > 2000 || !t.url().matches("^https?://\\S+$"))) {
            throw ProblemException.invalidField("tracking.url", "must be an http(s) URL of at most 2000 characters");
        }
        return new ActionDtos.Tracking(t.number().trim(), t.carrier() == null ? null : t.carrier().trim(), t.url());
    }

    static String returnAction(String raw) {
        if (raw == null || !ReturnFlow.ACTIONS.contains(raw)) {
            throw ProblemException.invalidField("action", "must be one of " + String.join(", ", ReturnFlow.ACTIONS));
        }
        return raw;
    }

    static String idempotencyKey(String raw) {
        if (raw == null) {
            return null;
        }
        if (raw.isBlank() || raw.length() > 200) {
            throw ProblemException.invalidField("Idempotency-Key", "must be 1 to 200 characters");
        }
        return raw;
    }
}
