package dev.storesync.shipments;

import dev.storesync.kernel.ProblemException;
import dev.storesync.security.Caller;
import dev.storesync.security.Roles;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.jboss.resteasy.reactive.RestHeader;
import org.jboss.resteasy.reactive.RestPath;

/**
 * Registering a shipment of an order. Its own root resource: Quarkus REST picks one resource class
 * per request (the one with the most specific {@code @Path}) and never falls back to another, so
 * under {@code ShipmentResource}'s {@code @Path("/")} this path was shadowed by
 * {@code OrderResource}'s {@code @Path("/orders")} and always answered 404.
 */
@Path("/orders/{orderId}/shipments")
public class OrderShipmentResource {

    private final ShipmentService service;
    private final Caller caller;

    public OrderShipmentResource(ShipmentService service, Caller caller) {
        this.service = service;
        this.caller = caller;
    }

    @POST
    @RolesAllowed({ Roles.ADMIN, Roles.OPERATOR, Roles.VENDOR })
    public Uni<Response> register(@RestPath long orderId, @Valid @NotNull ShipmentDtos.RegisterRequest body,
            @RestHeader("Idempotency-Key") String idempotencyKey, @Context UriInfo uri) {
        if (idempotencyKey != null && (idempotencyKey.isBlank() || idempotencyKey.length() > 255)) {
            throw ProblemException.badRequest("Idempotency-Key must be 1 to 255 characters.");
        }
        return service.register(orderId, body, new ShipmentService.Registrant(caller.principal(), caller.vendorId()),
                idempotencyKey).map(r -> Response.status(r.replayed() ? 200 : 201)
                        .location(uri.getBaseUriBuilder().path("shipments").path(String.valueOf(r.shipment().id())).build())
                        .header("Idempotent-Replayed", r.replayed())
                        .entity(r.shipment()).build());
    }
}
