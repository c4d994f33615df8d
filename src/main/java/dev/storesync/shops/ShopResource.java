package dev.storesync.shops;

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
import org.jboss.resteasy.reactive.RestQuery;

/** Admin management of shops. Responses never include tokens. */
@Path("/admin/shops")
@RolesAllowed(Roles.ADMIN)
public class ShopResource {

    private final ShopService service;

    public ShopResource(ShopService service) {
        this.service = service;
    }

    /** Registers the shop, then subscribes it to webhooks; 201 even when Shopify refused or was unreachable. */
    @POST
    public Uni<Response> register(@Valid @NotNull ShopDtos.RegisterRequest body, @Context UriInfo uri) {
        return service.register(body)
                .call(shop -> service.subscribe(shop.id()))
                .chain(shop -> service.get(shop.id()))
                .map(shop -> Response.created(uri.getAbsolutePathBuilder().path(String.valueOf(shop.id())).build())
                        .entity(shop).build());
    }

    @GET
    public Uni<List<ShopDtos.View>> list(@RestQuery String state) {
        return service.list(state);
    }

    @GET
    @Path("/{id}")
    public Uni<ShopDtos.View> get(@RestPath long id) {
        return service.get(id);
    }

    @POST
    @Path("/{id}/pause")
    public Uni<ShopDtos.View> pause(@RestPath long id, @Valid @NotNull ShopDtos.PauseRequest body) {
        return service.pause(id, body.reason());
    }

    /** (Re)subscribes the shop to every webhook topic StoreSync handles; idempotent. */
    @POST
    @Path("/{id}/subscriptions")
    public Uni<ShopDtos.View> subscribe(@RestPath long id) {
        return service.subscribe(id).chain(() -> service.get(id));
    }

    @POST
    @Path("/{id}/resume")
    public Uni<ShopDtos.View> resume(@RestPath long id) {
        return service.resume(id);
    }

    /** After adding a new key and making it active: re-seal every token with it. */
    @POST
    @Path("/reencrypt-tokens")
    public Uni<ShopDtos.ReencryptResult> reencryptTokens() {
        return service.reencryptTokens();
    }
}
