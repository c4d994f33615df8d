package dev.storesync.security;

import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.List;
import org.jboss.resteasy.reactive.RestPath;
import jakarta.ws.rs.core.Context;

/** Admin management of API keys. */
@Path("/admin/api-keys")
@RolesAllowed(Roles.ADMIN)
public class ApiKeyResource {

    private final ApiKeyService service;

    public ApiKeyResource(ApiKeyService service) {
        this.service = service;
    }

    @POST
    public Uni<Response> create(@Valid @NotNull ApiKeyDtos.CreateRequest body, @Context UriInfo uri) {
        return service.create(body).map(created -> Response
                .created(uri.getAbsolutePathBuilder().path(String.valueOf(created.key().id())).build())
                .entity(created).build());
    }

    @GET
    public Uni<List<ApiKeyDtos.View>> list() {
        return service.list();
    }

    /** Limits an operator key to shops: {@code {"shopDomains": ["a.myshopify.com"]}}, or {@code null} for all shops. */
    @PUT
    @Path("/{id}/shops")
    public Uni<ApiKeyDtos.View> limitShops(@RestPath long id, @Valid @NotNull ApiKeyDtos.ShopsRequest body) {
        return service.limitShops(id, body);
    }

    @DELETE
    @Path("/{id}")
    public Uni<ApiKeyDtos.View> revoke(@RestPath long id) {
        return service.revoke(id);
    }
}
