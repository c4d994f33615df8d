package dev.storesync.shipments.csv;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;

/**
 * The outcome of a CSV import, row by row (row 1 is the header, so data starts at row 2). Stored with
 * the import, so a repeated upload with the same Idempotency-Key and {@code GET /shipments/imports/{id}}
 * answer it again.
 */
@RegisterForReflection
public record CsvImportReport(long importId, int rows, int accepted, int rejected, int shipmentsCreated,
        List<RowResult> results) {

    /** One row: {@code accepted} with the shipment it belongs to, or {@code rejected} with the reason. */
    @RegisterForReflection
    public record RowResult(int row, String status, Long shipmentId, String reason) {

        static RowResult accepted(int row, long shipmentId) {
            return new RowResult(row, "accepted", shipmentId, null);
        }

        static RowResult rejected(int row, String reason) {
            return new RowResult(row, "rejected", null, reason);
        }
    }
}
