package dev.storesync.shipments.csv;

import dev.storesync.security.Caller;
import dev.storesync.security.Roles;
import dev.storesync.shipments.ShipmentService;
import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;

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
     * tracking_number, carrier, tracking_url, optional notify_customer and shop. UTF-8.
     */
    @POST
    @Blocking
    @Consumes({ "text/csv", "text/plain", "application/octet-stream" })
    @RolesAllowed({ Roles.ADMIN, Roles.OPERATOR, Roles.VENDOR })
    public CsvImportReport importCsv(InputStream body) throws IOException {
        ShipmentService.Registrant who = new ShipmentService.Registrant(caller.principal(), caller.vendorId());
        try (Reader reader = new InputStreamReader(body, StandardCharsets.UTF_8)) {
            return service.importCsv(reader, who);
        }
    }
}
