package dev.storesync.operations.alerts;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** The shapes of {@code GET /sync/orders/alerts} and of its SSE events' data. */
public final class AlertDtos {

    private AlertDtos() {
    }

    /**
     * One change of an alert: {@code type} is {@code alert_raised} or {@code alert_cleared}; {@code id}
     * is the stream position (SSE {@code id:}, {@code since} and {@code Last-Event-ID}).
     */
    public record Event(long id, String type, Instant at, Alert alert) {
    }

    /** An alert: one per order and kind open at a time. */
    public record Alert(long id, String kind, String orderId, String orderName, String shopDomain, Instant raisedAt,
            Instant clearedAt, Map<String, Object> details) {
    }

    /** A polling page: events after {@code since}, oldest first; ask again with {@code since = lastEventId}. */
    public record Page(List<Event> events, long lastEventId, boolean more) {
    }
}
