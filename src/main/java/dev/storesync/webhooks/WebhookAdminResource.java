package dev.storesync.webhooks;

import dev.storesync.security.Roles;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;

/** Admin view of the webhook inbox: find deliveries, read their errors, replay them; and the compliance audit. */
@Path("/admin/webhooks")
@RolesAllowed(Roles.ADMIN)
public class WebhookAdminResource {

    private final WebhookAdminService service;

    public WebhookAdminResource(WebhookAdminService service) {
        this.service = service;
    }

    /** Newest first; filters are optional; {@code cursor} is the previous page's {@code nextCursor}. */
    @GET
    @Path("/inbox")
    public Uni<InboxDtos.Page<InboxDtos.Summary>> list(@RestQuery String state, @RestQuery String topic,
            @RestQuery String shop, @RestQuery Integer limit, @RestQuery String cursor) {
        return service.list(state, topic, shop, limit, cursor);
    }

    @GET
    @Path("/inbox/{id}")
    public Uni<InboxDtos.Detail> get(@RestPath long id) {
        return service.get(id);
    }

    @POST
    @Path("/inbox/{id}/replay")
    public Uni<InboxDtos.Detail> replay(@RestPath long id) {
        return service.replay(id);
    }

    /** E.g. {@code {"state": "discarded", "topic": "orders/create"}}. */
    @POST
    @Path("/inbox/replay")
    public Uni<InboxDtos.ReplayResult> replayMatching(@Valid @NotNull InboxDtos.ReplayFilter filter) {
        return service.replay(filter);
    }

    @GET
    @Path("/compliance-requests")
    public Uni<InboxDtos.Page<InboxDtos.ComplianceRecord>> complianceRequests(@RestQuery String shop,
            @RestQuery Integer limit, @RestQuery String cursor) {
        return service.complianceRequests(shop, limit, cursor);
    }
}
