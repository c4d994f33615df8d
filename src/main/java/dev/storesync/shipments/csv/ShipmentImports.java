package dev.storesync.shipments.csv;

import dev.storesync.shipments.ShipmentService;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/**
 * The {@code shipment_imports} table, and the few statements on {@code shipments} that only the
 * import needs (its {@code import_id}, the shipments its derived idempotency keys registered).
 */
@ApplicationScoped
class ShipmentImports {

    /** An import row: {@code report} (JSON) is null until the import finished. */
    record Stored(long id, Long vendorId, String fingerprint, String report) {
    }

    /** A shipment registered earlier under one of the import's derived keys, with its line item ids. */
    record Previous(long id, boolean cancelled, List<Long> lineItemIds) {
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

    /** Marks a shipment as registered by the import (a shipment replayed from an earlier import keeps that one). */
    Uni<Void> tag(long shipmentId, long importId) {
        return pool.preparedQuery("UPDATE shipments SET import_id = $2 WHERE id = $1 AND import_id IS NULL")
                .execute(Tuple.of(shipmentId, importId)).replaceWithVoid();
    }

    /** The shipment this principal registered under {@code idempotencyKey}, or null. */
    Uni<Previous> previous(String principal, String idempotencyKey) {
        return pool.preparedQuery("""
                SELECT s.id, s.status, array_remove(array_agg(sl.line_item_id), NULL) AS lines
                FROM shipments s LEFT JOIN shipment_line_items sl ON sl.shipment_id = s.id
                WHERE s.created_by = $1 AND s.idempotency_key = $2 GROUP BY s.id, s.status""")
                .execute(Tuple.of(principal, idempotencyKey)).map(rows -> {
                    if (rows.rowCount() == 0) {
                        return null;
                    }
                    Row row = rows.iterator().next();
                    return new Previous(row.getLong("id"), "cancelled".equals(row.getString("status")),
                            List.of(row.getArrayOfLongs("lines")));
                });
    }

    /**
     * Requeues every failed shipment of the import, as {@code POST /shipments/retry-failed} does for a
     * vendor or order; null when there is no such import.
     */
    Uni<Integer> retryFailed(long importId) {
        return pool.preparedQuery("""
                WITH requeued AS (
                    UPDATE shipments SET sync_status = 'pending', sync_pending_until = now(), sync_retry_count = 0,
                           updated_at = now()
                    WHERE import_id = $1 AND status = 'shipped' AND sync_status = 'failed'
                    RETURNING 1)
                SELECT EXISTS (SELECT 1 FROM shipment_imports WHERE id = $1) AS found,
                       (SELECT count(*) FROM requeued)::int AS requeued""")
                .execute(Tuple.of(importId)).map(rows -> {
                    Row row = rows.iterator().next();
                    return row.getBoolean("found") ? row.getInteger("requeued") : null;
                });
    }

    private static Stored stored(Row row) {
        return new Stored(row.getLong("id"), row.getLong("vendor_id"), row.getString("file_fingerprint"),
                row.getString("report"));
    }
}
