package dev.storesync.shipments;

import dev.storesync.kernel.ProblemException;
import dev.storesync.security.Caller;
import dev.storesync.security.Roles;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;

/** Vendor and operator shipment API (registration is {@link OrderShipmentResource}). */
@Path("/")
public class ShipmentResource {

    private final ShipmentQueries queries;
    private final ShipmentActions actions;
    private final Caller caller;

    public ShipmentResource(ShipmentQueries queries, ShipmentActions actions, Caller caller) {
        this.queries = queries;
        this.actions = actions;
        this.caller = caller;
    }

    @GET
    @Path("/shipments")
    @RolesAllowed({ Roles.ADMIN, Roles.OPERATOR, Roles.VENDOR })
    public Uni<ShipmentDtos.Page> list(@RestQuery Long orderId, @RestQuery Long vendorId, @RestQuery String syncStatus,
            @RestQuery String from, @RestQuery String to, @RestQuery String cursor, @RestQuery Integer limit) {
        int size = limit == null ? 50 : limit;
        if (size < 1 || size > 200) {
            throw ProblemException.invalidField("limit", "must be between 1 and 200");
        }
        return queries.list(new ShipmentQueries.Filter(orderId, vendorId, syncStatus, time("from", from), time("to", to),
                cursor(cursor), size), caller.vendorId());
    }

    @GET
    @Path("/shipments/{id}")
    @RolesAllowed({ Roles.ADMIN, Roles.OPERATOR, Roles.VENDOR })
    public Uni<ShipmentDtos.View> show(@RestPath long id) {
        return queries.show(id, caller.vendorId());
    }

    @POST
    @Path("/shipments/{id}/cancel")
    @RolesAllowed({ Roles.ADMIN, Roles.OPERATOR, Roles.VENDOR })
    public Uni<ShipmentDtos.View> cancel(@RestPath long id) {
        return actions.cancel(id, caller.vendorId());
    }

    @POST
    @Path("/shipments/{id}/retry")
    @RolesAllowed({ Roles.ADMIN, Roles.OPERATOR })
    public Uni<ShipmentDtos.View> retry(@RestPath long id) {
        return actions.retry(id);
    }

    @POST
    @Path("/shipments/retry-failed")
    @RolesAllowed({ Roles.ADMIN, Roles.OPERATOR })
    public Uni<ShipmentDtos.BulkRetryResult> retryFailed(@NotNull ShipmentDtos.BulkRetryRequest body) {
        return actions.retryFailed(body.vendorId(), body.orderId());
    }

    private static Instant time(String field, String value) {
        try {
            return value == null ? null : Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw ProblemException.invalidField(field, "must be an ISO-8601 instant such as 2026-11-01T00:00:00Z");
        }
    }

    private static Long cursor(String value) {
        try {
            return value == null ? null : Long.valueOf(value);
        } catch (NumberFormatException e) {
            throw ProblemException.invalidField("cursor", "must be a cursor returned by a previous page");
        }
    }
}
