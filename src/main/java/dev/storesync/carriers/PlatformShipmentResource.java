package dev.storesync.carriers;

import dev.storesync.kernel.ProblemException;
import dev.storesync.security.Caller;
import dev.storesync.security.Roles;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import java.util.List;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;

/** Carrier-tracked shipments of the order platform: orphans, one shipment, manual links and their history. */
@Path("/platform/shipments")
@RolesAllowed({ Roles.ADMIN, Roles.OPERATOR })
public class PlatformShipmentResource {

    private final ShipmentLinks links;
    private final Caller caller;

    public PlatformShipmentResource(ShipmentLinks links, Caller caller) {
        this.links = links;
        this.caller = caller;
    }

    /** Shipments no PO is known for, oldest first; {@code limit} 1–200 (default 50), {@code offset} from 0. */
    @GET
    @Path("/orphans")
    public Uni<CarrierDtos.OrphanPage> orphans(@RestQuery Integer limit, @RestQuery Integer offset) {
        return links.orphans(limit, offset);
    }

    /** {@code ?trackingNumber=…}: the tracked shipments with that tracking number (one per courier). */
    @GET
    public Uni<List<CarrierDtos.Shipment>> find(@RestQuery String trackingNumber) {
        return links.byTrackingNumber(trackingNumber);
    }

    @GET
    @Path("/{id}")
    public Uni<CarrierDtos.ShipmentDetail> get(@RestPath long id) {
        return links.detail(id);
    }

    /** E.g. {@code {"poNumber": "PO#164-1"}}; unknown PO → 422. */
    @POST
    @Path("/{id}/link")
    public Uni<CarrierDtos.LinkResult> link(@RestPath long id, CarrierDtos.LinkRequest request) {
        if (request == null) {
            throw ProblemException.invalidField("poNumber", "is required: a PO number such as 164-1");
        }
        return links.link(id, request.poNumber(), caller.principal());
    }

    /** The manual links of one shipment, newest first. */
    @GET
    @Path("/{id}/links")
    public Uni<List<CarrierDtos.Link>> history(@RestPath long id) {
        return links.history(id);
    }
}
