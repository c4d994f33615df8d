package dev.storesync.shopify.oauth;

import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.jboss.resteasy.reactive.RestQuery;

/** App installation: Shopify sends merchants here; both ends are public and checked by signature and state. */
@Path("/shopify")
@PermitAll
public class InstallResource {

    private final InstallService service;

    public InstallResource(InstallService service) {
        this.service = service;
    }

    @GET
    @Path("/install")
    public Uni<Response> install(@RestQuery String shop, @RestQuery String hmac, @Context UriInfo uri) {
        return service.authorizeUrl(shop, uri.getRequestUri().getRawQuery(), hmac != null)
                .map(location -> Response.status(302).location(location).build());
    }

    @GET
    @Path("/callback")
    public Uni<InstallService.Installed> callback(@RestQuery String shop, @RestQuery String code,
            @RestQuery String state, @RestQuery String timestamp, @Context UriInfo uri) {
        return service.complete(shop, code, state, timestamp, uri.getRequestUri().getRawQuery());
    }
}
