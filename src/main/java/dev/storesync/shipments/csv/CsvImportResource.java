package dev.storesync.shipments.csv;

import dev.storesync.kernel.ProblemException;
import dev.storesync.security.Caller;
import dev.storesync.security.Roles;
import dev.storesync.shipments.ShipmentService;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.RestHeader;

/** CSV batch registration of shipments. */
@Path("/shipments/import")
public class CsvImportResource {

    private final CsvImportService service;
    private final Caller caller;

    public CsvImportResource(CsvImportService service, Caller caller) {
        this.service = service;
        this.caller = caller;
    }

    /**
     * Columns: order (name such as #1001, or Shopify order id), line_item_id or sku, quantity,
     * tracking_number, carrier, tracking_url, optional notify_customer and shop. UTF-8. 200 with the
     * per-row report; with an Idempotency-Key already used for this file, 200 with the first report
     * and {@code Idempotent-Replayed: true}.
     */
    @POST
    @Consumes({ "text/csv", "text/plain", "application/octet-stream" })
    @RolesAllowed({ Roles.ADMIN, Roles.OPERATOR, Roles.VENDOR })
    public Uni<Response> importCsv(byte[] body, @RestHeader("Idempotency-Key") String idempotencyKey) {
        if (idempotencyKey != null && (idempotencyKey.isBlank() || idempotencyKey.length() > 255
                || idempotencyKey.indexOf('\u0000') >= 0)) {
            throw ProblemException.badRequest("Idempotency-Key must be 1 to 255 characters, without NUL.");
        }
        ShipmentService.Registrant who = new ShipmentService.Registrant(caller.principal(), caller.vendorId());
        return service.importCsv(body, who, idempotencyKey).map(outcome -> Response.ok(outcome.report())
                .header("Idempotent-Replayed", outcome.replayed()).build());
    }
}
