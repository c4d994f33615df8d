package dev.storesync.shipments.csv;

import dev.storesync.shipments.ShipmentService;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The {@code shipment_imports} table (the {@code shipments} side of an import is in
 * {@link dev.storesync.shipments.ShipmentRepository}).
 */
@ApplicationScoped
class ShipmentImports {

    /** An import row: {@code report} (JSON) is null until the import finished. */
    record Stored(long id, Long vendorId, String fingerprint, String report) {
    }

    private final Pool pool;

    ShipmentImports(Pool pool) {
        this.pool = pool;
    }

    /**
     * Starts an import. With an Idempotency-Key already used by this principal, answers that import
     * instead (the caller compares the fingerprint and replays or refuses); nothing is inserted then.
     */
    Uni<Stored> claim(ShipmentService.Registrant who, String idempotencyKey, String fingerprint) {
        return pool.preparedQuery("""
                INSERT INTO shipment_imports (created_by, vendor_id, idempotency_key, file_fingerprint)
                VALUES ($1, $2, $3, $4)
                ON CONFLICT (created_by, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
                RETURNING id""")
                .execute(Tuple.of(who.principal(), who.vendorId().orElse(null), idempotencyKey, fingerprint))
                .chain(rows -> rows.rowCount() == 1
                        ? Uni.createFrom().item(new Stored(rows.iterator().next().getLong("id"),
                                who.vendorId().orElse(null), fingerprint, null))
                        : pool.preparedQuery("""
                                SELECT id, vendor_id, file_fingerprint, report::text AS report FROM shipment_imports
                                WHERE created_by = $1 AND idempotency_key = $2""")
                                .execute(Tuple.of(who.principal(), idempotencyKey))
                                .map(existing -> stored(existing.iterator().next())));
    }

    Uni<Stored> find(long id) {
        return pool.preparedQuery("""
                SELECT id, vendor_id, file_fingerprint, report::text AS report FROM shipment_imports WHERE id = $1""")
                .execute(Tuple.of(id)).map(rows -> rows.rowCount() == 0 ? null : stored(rows.iterator().next()));
    }

    Uni<Void> complete(CsvImportReport report, String json) {
        return pool.preparedQuery("""
                UPDATE shipment_imports SET row_count = $2, accepted_count = $3, rejected_count = $4,
                       shipments_created = $5, report = $6, completed_at = now()
                WHERE id = $1""")
                .execute(Tuple.tuple().addLong(report.importId()).addInteger(report.rows()).addInteger(report.accepted())
                        .addInteger(report.rejected()).addInteger(report.shipmentsCreated()).addValue(new JsonObject(json)))
                .replaceWithVoid();
    }

    private static Stored stored(Row row) {
        return new Stored(row.getLong("id"), row.getLong("vendor_id"), row.getString("file_fingerprint"),
                row.getString("report"));
    }
}
