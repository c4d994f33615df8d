package dev.storesync.vendors;

import dev.storesync.security.Roles;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.List;
import org.jboss.resteasy.reactive.RestPath;

/** Vendors: admins create them, admins and operators read them. */
@Path("/admin/vendors")
public class VendorResource {

    private final VendorService service;

    public VendorResource(VendorService service) {
        this.service = service;
    }

    @POST
    @RolesAllowed(Roles.ADMIN)
    public Uni<Response> create(@Valid @NotNull VendorDtos.CreateRequest body, @Context UriInfo uri) {
        return service.create(body).map(v -> Response
                .created(uri.getAbsolutePathBuilder().path(String.valueOf(v.id())).build()).entity(v).build());
    }

    @GET
    @RolesAllowed({ Roles.ADMIN, Roles.OPERATOR })
    public Uni<List<VendorDtos.View>> list() {
        return service.list();
    }

    @GET
    @Path("/{id}")
    @RolesAllowed({ Roles.ADMIN, Roles.OPERATOR })
    public Uni<VendorDtos.View> get(@RestPath long id) {
        return service.get(id);
    }
}
