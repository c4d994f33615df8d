package dev.storesync.operations.orders;

import dev.storesync.security.Caller;
import dev.storesync.security.Roles;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import java.util.Set;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;

/**
 * The orders dashboard's list and order timelines. Operators and admins only: the list spans all
 * vendors' lines, so vendor keys get 403.
 */
@Path("/sync/orders")
@RolesAllowed({ Roles.ADMIN, Roles.OPERATOR })
public class OrderListResource {

    private static final int DEFAULT_TIMELINE_PAGE = 50;
    private static final String PAGE = """
            {"orders": [{"id": "gid://shopify/Order/5001", "legacyId": "5001", "name": "#1001",
              "shopDomain": "demo-store.myshopify.com", "createdAt": "2026-11-01T09:00:00Z",
              "customer": {"displayName": "Hanako Yamada"}, "financialStatus": "paid", "fulfillmentStatus": "unfulfilled",
              "priority": "high", "assignedTo": "kana", "returnState": null, "supportThread": null,
              "tracking": {"number": "4455-6677-8899", "carrier": "Yamato", "url": null},
              "shipments": {"total": 1, "pending": 1, "synced": 0, "failed": 0, "cancelled": 0},
              "timeline": [{"ts": "2026-11-02T09:00:00Z", "event": "order_assigned",
                            "details": {"assignee": "kana", "previous": null, "reason": "assign", "by": "api-key:7"}}]}],
             "pageSize": 25, "nextCursor": "ofs:p", "prevCursor": null, "shopifyCursor": null}""";
    private static final String BAD_PAGE_SIZE = """
            {"type": "https://storesync.dev/problems/validation", "title": "Request not valid", "status": 422,
             "detail": "pageSize: must be from 1 to 100 (got 101)",
             "errors": [{"field": "pageSize", "message": "must be from 1 to 100 (got 101)"}]}""";
    private static final String TIMELINE = """
            {"orderId": "gid://shopify/Order/5001", "name": "#1001", "events": [
              {"ts": "2026-11-02T10:15:00Z", "event": "return_updated",
               "details": {"from": "label_generated", "to": "in_transit", "action": "in_transit", "by": "api-key:7"}},
              {"ts": "2026-11-02T09:00:00Z", "event": "order_assigned",
               "details": {"assignee": "kana", "previous": null, "reason": "assign", "by": "api-key:7"}},
              {"ts": "2026-11-01T09:00:00Z", "event": "order_imported", "details": {"name": "#1001"}}],
             "nextCursor": null}""";

    private final OrderListQueries queries;
    private final Caller caller;

    public OrderListResource(OrderListQueries queries, Caller caller) {
        this.queries = queries;
        this.caller = caller;
    }

    // Parameters arrive as strings so that a malformed one is a 422 naming it, not a generic 404/400.
    @GET
    @Operation(summary = "List orders", description = "Newest first, offset cursors (ofs:<base36>); tabs all, unfulfilled, "
            + "tracking_pending, delayed, returns, support, assigned. An operator key limited to shops sees only those.")
    @APIResponse(responseCode = "200", description = "A page of orders", content = @Content(mediaType = "application/json",
            schema = @Schema(implementation = OrderListDtos.Page.class), examples = @ExampleObject(name = "page", value = PAGE)))
    @APIResponse(responseCode = "422", description = "A malformed parameter, named in errors[0].field",
            content = @Content(mediaType = "application/problem+json", examples = @ExampleObject(name = "bad page size",
                    value = BAD_PAGE_SIZE)))
    public Uni<OrderListDtos.Page> list(@RestQuery String tab, @RestQuery String pageSize, @RestQuery String cursor,
            @RestQuery String direction, @RestQuery String status, @RestQuery String priority,
            @RestQuery("assigned_to") String assignedTo, @RestQuery("date_start") String dateStart,
            @RestQuery("date_end") String dateEnd, @RestQuery("shop_domain") String shopDomain) {
        return Uni.createFrom().item(() -> OrderListRequest.parse(tab, pageSize, cursor, direction, status, priority,
                assignedTo, dateStart, dateEnd, shopDomain)).chain(q -> queries.list(q, allowedShops(q)));
    }

    /** The order's whole timeline, newest first; {@code id} is a GID, Shopify id, or name ({@code #1001} or {@code 1001}). */
    @GET
    @Path("/{id: .+}/timeline")
    @Operation(summary = "An order's timeline", description = "Newest first, keyset-paged by nextCursor (ev:...).")
    @APIResponse(responseCode = "200", description = "A page of the timeline", content = @Content(mediaType = "application/json",
            schema = @Schema(implementation = OrderListDtos.Timeline.class), examples = @ExampleObject(name = "timeline",
                    value = TIMELINE)))
    public Uni<OrderListDtos.Timeline> timeline(@RestPath String id, @RestQuery("shop_domain") String shopDomain,
            @RestQuery String cursor, @RestQuery String pageSize) {
        return Uni.createFrom().item(() -> OrderListRequest.parse(null, pageSize, null, null, null, null, null, null,
                null, shopDomain)).chain(q -> queries.timeline(id, q.shopDomain(), cursor,
                        pageSize == null ? DEFAULT_TIMELINE_PAGE : q.pageSize(), allowedShops(q)));
    }

    // An operator key limited to shops: a named shop must be one of them (403), no shop means only them.
    private Set<String> allowedShops(OrderListRequest q) {
        if (q.shopDomain() != null) {
            caller.requireShop(q.shopDomain());
            return null;
        }
        return caller.shopDomains().orElse(null);
    }
}
