package dev.storesync.inventory;

import dev.storesync.security.Roles;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import org.jboss.resteasy.reactive.RestQuery;

/** Bulk help with product mappings: a CSV import by SKU, and suggestions by equal SKU or barcode. */
@Path("/admin/inventory")
@RolesAllowed(Roles.ADMIN)
public class InventoryMappingResource {

    private final MappingImport imports;
    private final MappingSuggestions suggestions;

    public InventoryMappingResource(MappingImport imports, MappingSuggestions suggestions) {
        this.imports = imports;
        this.suggestions = suggestions;
    }

    /**
     * {@code text/csv}, UTF-8, header {@code partner_sku,owner_sku}; 200 with the per-row report. A file
     * that cannot be read or lacks a column is 400/422 and imports nothing.
     */
    @POST
    @Path("/mappings/import")
    @Consumes({ "text/csv", "text/plain", "application/octet-stream" })
    public Uni<InventoryDtos.ImportReport> importCsv(@RestQuery Long partner, byte[] body) {
        return Uni.createFrom().deferred(() -> imports.importCsv(partner, body));
    }

    /** Proposed mappings for review; nothing is stored until each is posted to {@code /admin/inventory/mappings}. */
    @GET
    @Path("/mappings/suggestions")
    public Uni<InventoryDtos.Suggestions> suggest(@RestQuery Long partner) {
        return Uni.createFrom().deferred(() -> suggestions.suggest(partner));
    }
}
