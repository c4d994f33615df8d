package dev.storesync.carriers;

import dev.storesync.webhooks.WebhookBodyLimit;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HEAD;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.RestHeader;

/**
 * Where Ship24 pushes tracking updates. Not behind an API key: Ship24 authenticates with its
 * webhook secret in the same {@code Authorization: Bearer} header (see {@link Ship24Intake}).
 */
@Path("/webhooks/ship24")
public class Ship24WebhookResource {

    private final Ship24Intake intake;

    public Ship24WebhookResource(Ship24Intake intake) {
        this.intake = intake;
    }

    @POST
    @PermitAll
    @WebhookBodyLimit.Enforced
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<Ship24Intake.Receipt> receive(byte[] body, @RestHeader("Authorization") String authorization) {
        return intake.receive(body, authorization);
    }

    /** Ship24 probes the address with HEAD before it lets a merchant save it in its dashboard. */
    @HEAD
    @PermitAll
    public Response probe() {
        return Response.ok().build();
    }
}
