package dev.storesync.inventory;

import dev.storesync.kernel.ProblemException;
import dev.storesync.security.Roles;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.List;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;

/** Admin management of the owner shop, partners and product mappings. */
@Path("/admin/inventory")
@RolesAllowed(Roles.ADMIN)
public class InventoryAdminResource {

    private final OwnerShop owner;
    private final Partners partners;
    private final ProductMappings mappings;

    public InventoryAdminResource(OwnerShop owner, Partners partners, ProductMappings mappings) {
        this.owner = owner;
        this.partners = partners;
        this.mappings = mappings;
    }

    @PUT
    @Path("/owner")
    public Uni<InventoryDtos.OwnerView> setOwner(@Valid @NotNull InventoryDtos.OwnerRequest body) {
        return owner.set(body);
    }

    @GET
    @Path("/owner")
    public Uni<InventoryDtos.OwnerView> getOwner() {
        return owner.get().onItem().ifNull().failWith(() -> ProblemException.notFound("No owner shop is set"));
    }

    @POST
    @Path("/partners")
    public Uni<Response> createPartner(@Valid @NotNull InventoryDtos.PartnerRequest body, @Context UriInfo uri) {
        return partners.create(body).map(p -> Response.created(uri.getAbsolutePathBuilder()
                .path(String.valueOf(p.id())).build()).entity(p).build());
    }

    /** Every partner with its status: healthy, warning, failed, or null before its first sync. */
    @GET
    @Path("/partners")
    public Uni<List<InventoryDtos.PartnerView>> listPartners() {
        return partners.list();
    }

    @GET
    @Path("/partners/{id}")
    public Uni<InventoryDtos.PartnerView> getPartner(@RestPath long id) {
        return partners.get(id).onItem().ifNull().failWith(() -> ProblemException.notFound("No partner with id " + id));
    }

    @POST
    @Path("/partners/{id}/deactivate")
    public Uni<InventoryDtos.PartnerView> deactivatePartner(@RestPath long id) {
        return partners.deactivate(id);
    }

    @PUT
    @Path("/partners/{id}/location")
    public Uni<InventoryDtos.PartnerView> setPartnerLocation(@RestPath long id,
            @Valid @NotNull InventoryDtos.PartnerLocationRequest body) {
        return partners.setLocation(id, body.locationGid());
    }

    @POST
    @Path("/mappings")
    public Uni<Response> createMapping(@Valid @NotNull InventoryDtos.MappingRequest body, @Context UriInfo uri) {
        return mappings.create(body).map(m -> Response.created(uri.getAbsolutePathBuilder()
                .path(String.valueOf(m.id())).build()).entity(m).build());
    }

    /** Lowest id first; {@code status}: active or inactive; {@code cursor}: the previous page's nextCursor. */
    @GET
    @Path("/mappings")
    public Uni<InventoryDtos.Page<InventoryDtos.MappingView>> listMappings(@RestQuery Long partner,
            @RestQuery String status, @RestQuery Integer limit, @RestQuery String cursor) {
        return Uni.createFrom().deferred(() -> mappings.list(partner, status, limit, cursor));
    }

    @POST
    @Path("/mappings/{id}/deactivate")
    public Uni<InventoryDtos.MappingView> deactivateMapping(@RestPath long id) {
        return mappings.deactivate(id);
    }

    @DELETE
    @Path("/mappings/{id}")
    public Uni<Response> deleteMapping(@RestPath long id) {
        return mappings.delete(id).replaceWith(Response.noContent().build());
    }
}
