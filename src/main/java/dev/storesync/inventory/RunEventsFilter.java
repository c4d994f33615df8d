package dev.storesync.inventory;

import dev.storesync.kernel.Problem;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.SimpleResourceInfo;

/**
 * Answers 404 for the event stream of an unknown run before the stream begins: once an SSE
 * response has started, a failure can no longer become a problem response. (Not in the resource
 * class: its role check would then guard every request's filter.)
 */
public class RunEventsFilter {

    private final SyncRuns runs;

    public RunEventsFilter(SyncRuns runs) {
        this.runs = runs;
    }

    @ServerRequestFilter
    public Uni<Response> unknownRun(SimpleResourceInfo resource, UriInfo uri) {
        if (resource == null || resource.getResourceClass() != InventoryRunResource.class
                || !"events".equals(resource.getMethodName())) {
            return Uni.createFrom().nullItem();
        }
        long id;
        try {
            id = Long.parseLong(uri.getPathParameters().getFirst("id"));
        } catch (NumberFormatException e) {
            return Uni.createFrom().nullItem();
        }
        return runs.progress(id).map(p -> p != null ? null : Response.status(404).type(Problem.MEDIA_TYPE)
                .entity(Problem.of(404, "not-found", "Not found", "No inventory sync run " + id)).build());
    }
}
