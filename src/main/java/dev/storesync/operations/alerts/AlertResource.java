package dev.storesync.operations.alerts;

import dev.storesync.kernel.ProblemException;
import dev.storesync.security.Roles;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import org.jboss.resteasy.reactive.RestHeader;
import org.jboss.resteasy.reactive.RestQuery;

/**
 * {@code GET /sync/orders/alerts}: with {@code Accept: text/event-stream} a live stream of alert
 * changes (resuming after {@code Last-Event-ID}), otherwise a JSON page for polling with
 * {@code since}. Operators and admins only.
 */
@Path("/sync/orders/alerts")
@RolesAllowed({ Roles.ADMIN, Roles.OPERATOR })
public class AlertResource {

    private static final int DEFAULT_LIMIT = 100;
    private static final int MAX_LIMIT = 500;

    private final AlertRepository repository;
    private final AlertHub hub;

    public AlertResource(AlertRepository repository, AlertHub hub) {
        this.repository = repository;
        this.hub = hub;
    }

    /** Events after {@code since} (default 0: from the start), oldest first, at most {@code limit} (1–500, default 100). */
    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<AlertDtos.Page> poll(@RestQuery String since, @RestQuery String limit) {
        return Uni.createFrom().item(() -> new long[] { position("since", since), limit(limit) })
                .chain(p -> repository.after(p[0], (int) p[1] + 1).map(events -> {
                    boolean more = events.size() > p[1];
                    var shown = more ? events.subList(0, (int) p[1]) : events;
                    return new AlertDtos.Page(shown, shown.isEmpty() ? p[0] : shown.get(shown.size() - 1).id(), more);
                }));
    }

    /**
     * Server-Sent Events: {@code alert_raised} / {@code alert_cleared} with the event id and the
     * event as JSON data, {@code refresh} (no id) after each webhook batch and tracking poll, and a
     * keep-alive comment. Resumes after {@code Last-Event-ID} (or {@code since}); without either,
     * only changes from now on.
     */
    @GET
    @Produces(MediaType.SERVER_SENT_EVENTS)
    public Multi<OutboundSseEvent> stream(@RestHeader("Last-Event-ID") String lastEventId, @RestQuery String since,
            @Context Sse sse) {
        boolean header = lastEventId != null && !lastEventId.isBlank();
        String resume = header ? lastEventId.trim() : since;
        // Checked before the stream starts, so a bad value is a 422 and not a stream that breaks off.
        Uni<Long> start = resume == null ? repository.lastId()
                : Uni.createFrom().item(position(header ? "Last-Event-ID" : "since", resume));
        return start.onItem().transformToMulti(from -> hub.stream(from)).map(item -> event(sse, item));
    }

    private static OutboundSseEvent event(Sse sse, AlertHub.Item item) {
        if (item instanceof AlertHub.AlertItem alert) {
            AlertDtos.Event e = alert.event();
            return sse.newEventBuilder().id(Long.toString(e.id())).name(e.type()).data(json(e)).build();
        }
        if (item instanceof AlertHub.RefreshItem) {
            return sse.newEventBuilder().name("refresh").data("{}").build();
        }
        return sse.newEventBuilder().comment("keep-alive").build();
    }

    private static String json(AlertDtos.Event e) {
        AlertDtos.Alert a = e.alert();
        return new JsonObject().put("id", e.id()).put("type", e.type()).put("at", e.at().toString())
                .put("alert", new JsonObject().put("id", a.id()).put("kind", a.kind()).put("orderId", a.orderId())
                        .put("orderName", a.orderName()).put("shopDomain", a.shopDomain())
                        .put("raisedAt", a.raisedAt().toString())
                        .put("clearedAt", a.clearedAt() == null ? null : a.clearedAt().toString())
                        .put("details", new JsonObject(a.details())))
                .encode();
    }

    private static long position(String field, String value) {
        if (value == null) {
            return 0;
        }
        if (!value.matches("^[0-9]{1,18}$")) {
            throw ProblemException.invalidField(field, "must be an event id (a non-negative integer)");
        }
        return Long.parseLong(value);
    }

    private static long limit(String value) {
        if (value == null) {
            return DEFAULT_LIMIT;
        }
        if (!value.matches("^[0-9]{1,4}$") || Integer.parseInt(value) < 1 || Integer.parseInt(value) > MAX_LIMIT) {
            throw ProblemException.invalidField("limit", "must be an integer from 1 to " + MAX_LIMIT);
        }
        return Integer.parseInt(value);
    }
}
