package dev.storesync.inventory;

import dev.storesync.kernel.Problem;
import dev.storesync.kernel.ProblemException;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.jboss.resteasy.reactive.RestHeader;

/**
 * For a Kubernetes CronJob (or any external scheduler): starts a run of trigger {@code cron}. It
 * takes no API key but the cron secret in {@value #HEADER}; without a configured secret the
 * endpoint does not exist (404).
 */
@Path("/api/cron/inventory-sync")
public class InventoryCronResource {

    static final String HEADER = "X-Cron-Secret";

    private final InventorySync sync;
    private final byte[] secret;

    public InventoryCronResource(InventorySync sync, InventoryConfig config) {
        this.sync = sync;
        this.secret = config.cronSecret().map(s -> s.getBytes(StandardCharsets.UTF_8)).orElse(null);
    }

    /** 202 with the run id, or the running run's id ({@code alreadyRunning: true}) during a run. */
    @POST
    @PermitAll
    public Uni<Response> start(@RestHeader(HEADER) String given) {
        if (secret == null) {
            throw ProblemException.notFound("The cron endpoint is off: set STORESYNC_CRON_SECRET to use it");
        }
        // Constant time: the comparison must not tell an attacker how much of a guess was right.
        if (given == null || !MessageDigest.isEqual(secret, given.getBytes(StandardCharsets.UTF_8))) {
            Log.warnf("Inventory cron call refused: %s secret", given == null ? "no" : "wrong");
            throw new ProblemException(Problem.of(401, "unauthorized", "Unauthorized",
                    "the " + HEADER + " header is missing or holds the wrong secret"));
        }
        return sync.cron().map(accepted -> Response.accepted(accepted)
                .location(URI.create("/admin/inventory/runs/" + accepted.runId())).build());
    }
}
