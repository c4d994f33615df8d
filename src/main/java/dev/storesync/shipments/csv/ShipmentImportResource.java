package dev.storesync.shipments.csv;

import dev.storesync.security.Caller;
import dev.storesync.security.Roles;
import dev.storesync.shipments.ShipmentDtos;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import org.jboss.resteasy.reactive.RestPath;

/** CSV imports after the fact: the stored report, and a retry of the import's failed shipments. */
@Path("/shipments/imports")
public class ShipmentImportResource {

    private final ShipmentImportActions actions;
    private final Caller caller;

    public ShipmentImportResource(ShipmentImportActions actions, Caller caller) {
        this.actions = actions;
        this.caller = caller;
    }

    @GET
    @Path("/{id}")
    @RolesAllowed({ Roles.ADMIN, Roles.OPERATOR, Roles.VENDOR })
    public Uni<CsvImportReport> show(@RestPath long id) {
        return actions.report(id, caller.vendorId());
    }

    @POST
    @Path("/{id}/retry-failed")
    @RolesAllowed({ Roles.ADMIN, Roles.OPERATOR })
    public Uni<ShipmentDtos.BulkRetryResult> retryFailed(@RestPath long id) {
        return actions.retryFailed(id);
    }
}
