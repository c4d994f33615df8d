package dev.storesync.inventory;

import dev.storesync.kernel.ProblemException;
import dev.storesync.security.Roles;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;

/** Sync Now and the history of inventory sync runs. */
@Path("/admin/inventory")
@RolesAllowed(Roles.ADMIN)
public class InventoryRunResource {

    private final InventorySync sync;
    private final SyncRuns runs;

    public InventoryRunResource(InventorySync sync, SyncRuns runs) {
        this.sync = sync;
        this.runs = runs;
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
}
