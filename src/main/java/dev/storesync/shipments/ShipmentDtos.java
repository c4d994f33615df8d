package dev.storesync.shipments;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.util.List;

/** Shipment request and response bodies. */
public final class ShipmentDtos {

    private ShipmentDtos() {
    }

    public record LineRequest(@NotNull Long lineItemId, @NotNull @Min(1) @Max(100_000) Integer quantity) {
    }

    public record RegisterRequest(
            @NotEmpty @Size(max = 250) List<@Valid @NotNull LineRequest> lines,
            @NotBlank @Size(max = 100) String trackingNumber,
            @Size(max = 100) String carrier,
            @Size(max = 2000) @Pattern(regexp = "https?://\\S+", message = "must be an http(s) URL") String trackingUrl,
            Boolean notifyCustomer) {
    }

    public record BulkRetryRequest(Long vendorId, Long orderId) {
    }

    public record Label(String en, String ja) {
    }

    public record LineView(long lineItemId, long shopifyLineItemId, String sku, String title, int quantity) {
    }

    public record ErrorView(String code, String en, String ja) {
    }

    public record AttemptView(Instant at, String outcome, String errorCode, String message, String messageJa,
            Instant nextAttemptAt) {
    }

    public record View(long id, long orderId, String orderName, String shop, Long vendorId, String trackingNumber,
            String carrier, String trackingCompany, String trackingUrl, boolean notifyCustomer, String status,
            String syncStatus, Label statusLabel, int syncRetryCount, Instant lastRetryAt, Instant nextAttemptAt,
            Instant syncedAt, List<String> shopifyFulfillmentIds, List<String> shopifyFulfillmentOrderIds,
            ErrorView lastError, List<LineView> lines, Instant createdAt, Instant cancelledAt,
            List<AttemptView> syncHistory, CarrierView carrierTracking) {
    }

    /** What the carrier (Ship24) last reported for the tracking number; null until it reported anything. */
    public record CarrierView(String status, String statusCode, Instant lastEventAt) {
    }

    public record Page(List<View> items, String nextCursor) {
    }

    public record BulkRetryResult(int shipmentsRequeued) {
    }
}
