package dev.storesync.platform;

import dev.storesync.kernel.ProblemException;
import dev.storesync.security.Roles;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;

/** Platform (OMG) orders with their POs and shipments, and the sync that brings them in. */
@Path("/platform/orders")
@RolesAllowed({Roles.ADMIN, Roles.OPERATOR})
public class PlatformOrderResource {

    private final PlatformSync sync;
    private final PlatformSyncRuns runs;
    private final PlatformOrderQueries queries;

    public PlatformOrderResource(PlatformSync sync, PlatformSyncRuns runs, PlatformOrderQueries queries) {
        this.sync = sync;
        this.runs = runs;
        this.queries = queries;
    }

    /** Orders (non-excluded unless {@code excluded=true}), newest platform change first. */
    @GET
    public Uni<PlatformDtos.OrderPage> list(@RestQuery String status, @RestQuery String hasShipments,
            @RestQuery String search, @RestQuery String excluded, @RestQuery String limit, @RestQuery String offset) {
        return Uni.createFrom().deferred(() -> queries.list(status, bool("hasShipments", hasShipments), search,
                Boolean.TRUE.equals(bool("excluded", excluded)), integer("limit", limit), integer("offset", offset)));
    }

    /** Strict, unlike JAX-RS conversion, where {@code hasShipments=yes} would silently mean false. */
    private static Boolean bool(String field, String value) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        if (value.equals("true") || value.equals("false")) {
            return Boolean.valueOf(value);
        }
        throw ProblemException.invalidField(field, "must be true or false");
    }

    private static Integer integer(String field, String value) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        try {
            return Integer.valueOf(value);
        } catch (NumberFormatException e) {
            throw ProblemException.invalidField(field, "must be a whole number");
        }
    }

    @GET
    @Path("/{orderNumber}")
    public Uni<PlatformDtos.OrderDetail> get(@RestPath String orderNumber) {
        return queries.get(orderNumber)
                .onItem().ifNull().failWith(() -> ProblemException.notFound("No platform order " + orderNumber));
    }

    /** 202 with the run id at once; during a run, the running run's id ({@code alreadyRunning: true}). */
    @POST
    @Path("/sync")
    public Uni<Response> sync(PlatformDtos.SyncRequest request) {
        PlatformDtos.SyncRequest body = request == null ? new PlatformDtos.SyncRequest(null, null) : request;
        boolean full = Boolean.TRUE.equals(body.fullResync());
        if (full && body.since() != null) {
            throw ProblemException.invalidField("since", "cannot be combined with fullResync");
        }
        if (body.since() != null && body.since().isAfter(java.time.Instant.now())) {
            throw ProblemException.invalidField("since", "must not be in the future");
        }
        return sync.start("manual", body.since(), full).map(accepted -> Response.accepted(accepted)
                .location(URI.create("/platform/orders/sync/runs/" + accepted.runId())).build());
    }

    @GET
    @Path("/sync/runs")
    public Uni<PlatformDtos.Page<PlatformDtos.RunView>> runs(@RestQuery Integer limit, @RestQuery String cursor) {
        return Uni.createFrom().deferred(() -> runs.list(limit, parseCursor(cursor)));
    }

    @GET
    @Path("/sync/runs/{id}")
    public Uni<PlatformDtos.RunView> run(@RestPath long id) {
        return runs.get(id).onItem().ifNull().failWith(() -> ProblemException.notFound("No platform sync run " + id));
    }

    private static Long parseCursor(String cursor) {
        if (cursor == null || cursor.isBlank()) {
            return null;
        }
        try {
            return Long.parseLong(cursor);
        } catch (NumberFormatException e) {
            throw ProblemException.invalidField("cursor", "must be the nextCursor of a previous page");
        }
    }
}
