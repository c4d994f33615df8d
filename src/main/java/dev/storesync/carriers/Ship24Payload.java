package dev.storesync.carriers;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * The parts of a Ship24 webhook body StoreSync uses, read leniently: unknown fields are ignored, a
 * scalar where a list is expected counts as a one-element list, and a tracking update without a
 * tracking number is skipped. Ship24's "logistics" times ({@code occurrenceDatetime},
 * {@code estimatedDeliveryDate}) come with an offset, as UTC ({@code Z}), as courier local time
 * without an offset, or as a date only; the last two are read as UTC (a date as its start), which
 * keeps one courier's events in their order.
 */
public final class Ship24Payload {

    private static final int MAX_TEXT = 2000;

    private Ship24Payload() {
    }

    /** One tracker's update: what Ship24 knows of the shipment now, and the events it sends with it. */
    public record Update(String trackingNumber, String courierCode, String trackerId, String reference,
            String statusCode, String statusCategory, String statusMilestone, Instant estimatedDelivery,
            List<Event> events) {

        /** The occurrence time of the newest event in this update, or null. */
        public Instant newestEventAt() {
            return events.stream().map(Event::occurredAt).filter(t -> t != null).max(Instant::compareTo).orElse(null);
        }
    }

    /** One carrier event, keyed by Ship24's {@code eventId}. */
    public record Event(String eventId, Instant occurredAt, String status, String statusCode, String statusCategory,
            String statusMilestone, String location, String courierCode) {
    }

    /** Every update in {@code trackings[]} that names a tracking number; {@code referenceField} is a dotted path. */
    public static List<Update> updates(JsonObject body, String referenceField) {
        List<Update> out = new ArrayList<>();
        for (Object item : list(body.getValue("trackings"))) {
            if (!(item instanceof JsonObject tracking)) {
                continue;
            }
            JsonObject tracker = object(tracking.getValue("tracker"));
            JsonObject shipment = object(tracking.getValue("shipment"));
            String trackingNumber = text(tracker.getValue("trackingNumber"));
            if (trackingNumber == null) {
                continue;
            }
            List<String> couriers = new ArrayList<>();
            for (Object code : list(tracker.getValue("courierCode"))) {
                String c = text(code);
                if (c != null) {
                    couriers.add(c.toLowerCase(Locale.ROOT));
                }
            }
            couriers.sort(String::compareTo);
            List<Event> events = new ArrayList<>();
            for (Object e : list(tracking.getValue("events"))) {
                if (e instanceof JsonObject event) {
                    events.add(event(trackingNumber, event));
                }
            }
            out.add(new Update(trackingNumber, String.join(",", couriers), text(tracker.getValue("trackerId")),
                    text(at(tracking, referenceField)), text(shipment.getValue("statusCode")),
                    text(shipment.getValue("statusCategory")), text(shipment.getValue("statusMilestone")),
                    time(object(shipment.getValue("delivery")).getValue("estimatedDeliveryDate")), List.copyOf(events)));
        }
        return out;
    }

    private static Event event(String trackingNumber, JsonObject e) {
        Instant occurred = time(e.getValue("occurrenceDatetime"));
        if (occurred == null) {
            occurred = time(e.getValue("datetime"));
        }
        String status = text(e.getValue("status"));
        String eventId = text(e.getValue("eventId"));
        if (eventId == null) {
            // Without Ship24's id, the event's own content identifies it, so a resent copy is still stored once.
            eventId = "derived-" + digest(trackingNumber + "\n" + e.getValue("occurrenceDatetime") + "\n" + status);
        }
        return new Event(eventId, occurred, status, text(e.getValue("statusCode")), text(e.getValue("statusCategory")),
                text(e.getValue("statusMilestone")), location(e.getValue("location")), text(e.getValue("courierCode")));
    }

    /** Ship24 sends a location as text; an object (city, country…) is joined into one line. */
    private static String location(Object value) {
        if (value instanceof JsonObject object) {
            List<String> parts = new ArrayList<>();
            object.forEach(entry -> {
                String part = text(entry.getValue());
                if (part != null) {
                    parts.add(part);
                }
            });
            return parts.isEmpty() ? null : clip(String.join(", ", parts));
        }
        return text(value);
    }

    private static Object at(JsonObject root, String path) {
        Object current = root;
        for (String step : path.split("\\.")) {
            if (!(current instanceof JsonObject object)) {
                return null;
            }
            current = object.getValue(step);
        }
        return current;
    }

    private static List<Object> list(Object value) {
        if (value == null) {
            return List.of();
        }
        if (value instanceof JsonArray array) {
            List<Object> out = new ArrayList<>(array.size());
            for (int i = 0; i < array.size(); i++) {
                out.add(array.getValue(i));
            }
            return out;
        }
        return List.of(value);
    }

    private static JsonObject object(Object value) {
        return value instanceof JsonObject object ? object : new JsonObject();
    }

    private static String text(Object value) {
        if (value instanceof String s) {
            String trimmed = s.strip();
            return trimmed.isEmpty() ? null : clip(trimmed);
        }
        if (value instanceof Number || value instanceof Boolean) {
            return value.toString();
        }
        return null;
    }

    private static String clip(String s) {
        return s.length() <= MAX_TEXT ? s : s.substring(0, MAX_TEXT);
    }

    static Instant time(Object value) {
        String s = text(value);
        if (s == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(s).toInstant();
        } catch (DateTimeParseException notWithOffset) {
            try {
                return LocalDateTime.parse(s).toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException notLocal) {
                try {
                    return LocalDate.parse(s).atStartOfDay().toInstant(ZoneOffset.UTC);
                } catch (DateTimeParseException notADate) {
                    return null;
                }
            }
        }
    }

    private static String digest(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}
