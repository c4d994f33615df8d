package dev.storesync.inventory;

import dev.storesync.kernel.ProblemException;
import dev.storesync.security.Roles;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;

/** Sync Now and the history of inventory sync runs. */
@Path("/admin/inventory")
@RolesAllowed(Roles.ADMIN)
public class InventoryRunResource {

    private final InventorySync sync;
    private final SyncRuns runs;
    private final InventoryConfig config;

    public InventoryRunResource(InventorySync sync, SyncRuns runs, InventoryConfig config) {
        this.sync = sync;
        this.runs = runs;
        this.config = config;
    }

    /**
     * 202 with the run id at once; the sweep runs in the background. During a run, answers the
     * running run's id ({@code alreadyRunning: true}) and starts nothing.
     */
    @POST
    @Path("/sync")
    public Uni<Response> syncNow(@RestQuery Long partner) {
        return sync.syncNow(partner).map(accepted -> Response.accepted(accepted)
                .location(java.net.URI.create("/admin/inventory/runs/" + accepted.runId())).build());
    }

    /** Newest first; filters optional; {@code cursor} is the previous page's {@code nextCursor}. */
    @GET
    @Path("/runs")
    public Uni<InventoryDtos.Page<InventoryDtos.RunSummary>> listRuns(@RestQuery Long partner,
            @RestQuery String trigger, @RestQuery String outcome, @RestQuery Integer limit, @RestQuery String cursor) {
        return Uni.createFrom().deferred(() -> runs.list(partner, trigger, outcome, limit, cursor));
    }

    @GET
    @Path("/runs/{id}")
    public Uni<InventoryDtos.RunDetail> getRun(@RestPath long id) {
        return runs.get(id).onItem().ifNull().failWith(() -> ProblemException.notFound("No inventory sync run " + id));
    }

    /**
     * The run's progress as Server-Sent Events: a {@code progress} event whenever it changed (read
     * from the run's row every {@code progress-interval}, so any replica can serve it), then one
     * {@code finished} event with the final figures, and the stream ends. An ended run gets only
     * the {@code finished} event.
     */
    @GET
    @Path("/runs/{id}/events")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    public Multi<OutboundSseEvent> events(@RestPath long id, @Context Sse sse) {
        AtomicLong eventId = new AtomicLong();
        return Multi.createBy().repeating().uni(() -> runs.progress(id)).withDelay(config.progressInterval())
                .whilst(p -> !p.finished())
                .skip().repetitions()
                .map(p -> sse.newEventBuilder().id(Long.toString(eventId.incrementAndGet()))
                        .name(p.finished() ? "finished" : "progress").mediaType(MediaType.APPLICATION_JSON_TYPE)
                        .data(InventoryDtos.RunProgress.class, p).build());
    }
}
