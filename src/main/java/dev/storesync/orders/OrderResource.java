package dev.storesync.orders;

import dev.storesync.security.Caller;
import dev.storesync.security.Roles;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import java.util.List;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;

/** Orders as vendors and operators need them to register shipments, and the FO diagnostics. */
@Path("/orders")
public class OrderResource {

    private final OrderQueries queries;
    private final FulfillmentOrderDiagnostics diagnostics;
    private final Caller caller;

    public OrderResource(OrderQueries queries, FulfillmentOrderDiagnostics diagnostics, Caller caller) {
        this.queries = queries;
        this.diagnostics = diagnostics;
        this.caller = caller;
    }

    @GET
    @RolesAllowed({ Roles.ADMIN, Roles.OPERATOR, Roles.VENDOR })
    public Uni<List<OrderDtos.View>> find(@RestQuery String name, @RestQuery Long shopifyId) {
        return queries.find(name, shopifyId, caller.vendorId());
    }

    @GET
    @Path("/{id}")
    @RolesAllowed({ Roles.ADMIN, Roles.OPERATOR, Roles.VENDOR })
    public Uni<OrderDtos.View> show(@RestPath long id) {
        return queries.show(id, caller.vendorId());
    }

    /** Why each line of the order has, or has no, fulfillable fulfillment order: one call, live from Shopify. */
    @GET
    @Path("/{id}/fulfillment-orders/diagnostics")
    @RolesAllowed({ Roles.ADMIN, Roles.OPERATOR })
    public Uni<FulfillmentOrderDiagnostics.Report> diagnostics(@RestPath long id) {
        return diagnostics.explain(id);
    }
}
