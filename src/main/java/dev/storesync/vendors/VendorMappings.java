package dev.storesync.vendors;

import dev.storesync.kernel.ProblemException;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Which of our vendors a Shopify line item's free-text {@code vendor} means. Without a mapping,
 * a line goes to the vendor of the same name (case-insensitive), if any. Adding or removing a
 * mapping re-attributes the lines already imported.
 */
@ApplicationScoped
public class VendorMappings {

    public record CreateRequest(@NotBlank @Size(max = 255) String shopifyVendor, @NotNull Long vendorId) {
    }

    public record View(long id, String shopifyVendor, long vendorId, String vendorName, Instant createdAt,
            Integer linesReattributed) {
    }

    private final Pool pool;

    public VendorMappings(Pool pool) {
        this.pool = pool;
    }

    public Uni<View> create(CreateRequest request) {
        String text = request.shopifyVendor().trim();
        return pool.withTransaction(c -> c.preparedQuery("SELECT name FROM vendors WHERE id = $1").execute(Tuple.of(request.vendorId()))
                .chain(vendor -> {
                    if (vendor.rowCount() == 0) {
                        throw ProblemException.invalidField("vendorId", "no vendor with id " + request.vendorId());
                    }
                    return c.preparedQuery("INSERT INTO vendor_mappings (shopify_vendor, vendor_id) VALUES ($1, $2) RETURNING id, created_at")
                            .execute(Tuple.of(text, request.vendorId()))
                            .chain(inserted -> c.preparedQuery(
                                    "UPDATE order_line_items SET vendor_id = $2 WHERE lower(shopify_vendor) = lower($1)")
                                    .execute(Tuple.of(text, request.vendorId()))
                                    .map(updated -> new View(inserted.iterator().next().getLong("id"), text, request.vendorId(),
                                            vendor.iterator().next().getString("name"),
                                            inserted.iterator().next().getOffsetDateTime("created_at").toInstant(),
                                            updated.rowCount())));
                }))
                .onFailure(e -> e instanceof PgException pg && "23505".equals(pg.getSqlState()))
                .transform(e -> ProblemException.conflict("Shopify vendor '" + text + "' is already mapped"))
                .invoke(v -> Log.infof("Shopify vendor '%s' mapped to vendor %d; %d line(s) re-attributed", text,
                        v.vendorId(), v.linesReattributed()));
    }

    public Uni<List<View>> list() {
        return pool.query("""
                SELECT m.id, m.shopify_vendor, m.vendor_id, v.name, m.created_at
                FROM vendor_mappings m JOIN vendors v ON v.id = m.vendor_id ORDER BY lower(m.shopify_vendor)""")
                .execute().map(rows -> {
                    List<View> out = new ArrayList<>();
                    for (Row r : rows) {
                        out.add(new View(r.getLong("id"), r.getString("shopify_vendor"), r.getLong("vendor_id"),
                                r.getString("name"), r.getOffsetDateTime("created_at").toInstant(), null));
                    }
                    return out;
                });
    }

    /** Removes a mapping; its lines fall back to the vendor of the same name, if any. */
    public Uni<Void> delete(long id) {
        return pool.withTransaction(c -> c.preparedQuery("DELETE FROM vendor_mappings WHERE id = $1 RETURNING shopify_vendor")
                .execute(Tuple.of(id)).chain(rows -> {
                    if (rows.rowCount() == 0) {
                        throw ProblemException.notFound("No vendor mapping with id " + id);
                    }
                    String text = rows.iterator().next().getString("shopify_vendor");
                    return c.preparedQuery("""
                            UPDATE order_line_items SET vendor_id = (SELECT id FROM vendors WHERE lower(name) = lower($1))
                            WHERE lower(shopify_vendor) = lower($1)""").execute(Tuple.of(text)).replaceWithVoid();
                }));
    }
}
