package dev.storesync.vendors;

import dev.storesync.security.Roles;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.List;
import org.jboss.resteasy.reactive.RestPath;

/** Admin management of Shopify-vendor-text → vendor mappings. */
@Path("/admin/vendor-mappings")
@RolesAllowed(Roles.ADMIN)
public class VendorMappingResource {

    private final VendorMappings mappings;

    public VendorMappingResource(VendorMappings mappings) {
        this.mappings = mappings;
    }

    @POST
    public Uni<Response> create(@Valid @NotNull VendorMappings.CreateRequest body, @Context UriInfo uri) {
        return mappings.create(body).map(v -> Response
                .created(uri.getAbsolutePathBuilder().path(String.valueOf(v.id())).build()).entity(v).build());
    }

    @GET
    public Uni<List<VendorMappings.View>> list() {
        return mappings.list();
    }

    @DELETE
    @Path("/{id}")
    public Uni<Response> delete(@RestPath long id) {
        return mappings.delete(id).replaceWith(Response.noContent().build());
    }
}
