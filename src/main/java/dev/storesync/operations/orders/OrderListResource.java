package dev.storesync.operations.orders;

import dev.storesync.security.Caller;
import dev.storesync.security.Roles;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
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

    private final OrderListQueries queries;
    private final Caller caller;

    public OrderListResource(OrderListQueries queries, Caller caller) {
        this.queries = queries;
        this.caller = caller;
    }

    // Parameters arrive as strings so that a malformed one is a 422 naming it, not a generic 404/400.
    @GET
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
