package dev.storesync.shipments.csv;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.storesync.kernel.ProblemException;
import dev.storesync.shipments.ShipmentDtos;
import dev.storesync.shipments.ShipmentRepository;
import dev.storesync.shipments.sync.ShipmentSyncWorker;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;

/** Reads a stored import report (a vendor key only its vendor's) and requeues an import's failed shipments. */
@ApplicationScoped
public class ShipmentImportActions {

    private final ShipmentImports imports;
    private final ShipmentRepository shipments;
    private final ShipmentSyncWorker worker;
    private final ObjectMapper json;

    public ShipmentImportActions(ShipmentImports imports, ShipmentRepository shipments, ShipmentSyncWorker worker,
            ObjectMapper json) {
        this.imports = imports;
        this.shipments = shipments;
        this.worker = worker;
        this.json = json;
    }

    public Uni<CsvImportReport> report(long id, Optional<Long> callerVendor) {
        return imports.find(id).map(stored -> {
            if (stored == null || (callerVendor.isPresent() && !callerVendor.get().equals(stored.vendorId()))) {
                throw ProblemException.notFound("No shipment import with id " + id);
            }
            if (stored.report() == null) {
                throw ProblemException.conflict("Import " + id + " has no report yet: it is still running (or was "
                        + "interrupted; uploading the file again with the same Idempotency-Key finishes it).");
            }
            try {
                return json.readValue(stored.report(), CsvImportReport.class);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("Stored report of import " + id + " is not readable", e);
            }
        });
    }

    /** Requeues every failed shipment the import registered: attempted at once with a fresh schedule. */
    public Uni<ShipmentDtos.BulkRetryResult> retryFailed(long id) {
        return shipments.requeueFailedOfImport(id).map(requeued -> {
            if (requeued == null) {
                throw ProblemException.notFound("No shipment import with id " + id);
            }
            if (requeued > 0) {
                Log.infof("Import %d: %d failed shipment(s) requeued", id, requeued);
                worker.wake();
            }
            return new ShipmentDtos.BulkRetryResult(requeued);
        });
    }
}
