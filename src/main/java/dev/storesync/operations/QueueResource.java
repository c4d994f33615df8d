package dev.storesync.operations;

import dev.storesync.security.Roles;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;

/** Queue progress for operators: read live from the database (the gauges show the same, cached). */
@Path("/admin/queues")
@RolesAllowed({ Roles.ADMIN, Roles.OPERATOR })
public class QueueResource {

    private final QueueProgressRepository repository;
    private final QueueMetrics metrics;

    public QueueResource(QueueProgressRepository repository, QueueMetrics metrics) {
        this.repository = repository;
        this.metrics = metrics;
    }

    @GET
    public Uni<QueueProgress> progress() {
        return repository.read().invoke(metrics::publish);
    }
}
