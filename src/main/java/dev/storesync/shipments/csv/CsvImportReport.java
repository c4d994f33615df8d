package dev.storesync.shipments.csv;

import java.util.List;

/** The outcome of a CSV import, row by row (row 1 is the header, so data starts at row 2). */
public record CsvImportReport(int rows, int accepted, int rejected, int shipmentsCreated, List<RowResult> results) {

    public record RowResult(int row, String status, Long shipmentId, String reason) {

        static RowResult accepted(int row, long shipmentId) {
            return new RowResult(row, "accepted", shipmentId, null);
        }

        static RowResult rejected(int row, String reason) {
            return new RowResult(row, "rejected", null, reason);
        }
    }
}
