package dev.storesync.platform;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/** Requests and views of the platform orders API; views inside lists are registered for the native image. */
public final class PlatformDtos {

    private PlatformDtos() {
    }

    /** {@code POST /platform/orders/sync}: both optional; {@code since} and {@code fullResync} exclude each other. */
    @RegisterForReflection
    public record SyncRequest(Instant since, Boolean fullResync) {
    }

    /** The run started now, or the one already running ({@code alreadyRunning}). */
    @RegisterForReflection
    public record SyncAccepted(long runId, boolean alreadyRunning, Instant since) {
    }

    @RegisterForReflection
    public record RunView(long id, String trigger, Instant since, boolean fullResync, String outcome, Instant startedAt,
            Instant finishedAt, int fetched, int upserted, int unchanged, int excluded, int errors, String error) {
    }

    @RegisterForReflection
    public record Page<T>(List<T> items, String nextCursor) {
    }

    @RegisterForReflection
    public record PurchaseOrderView(String poNumber, String platformId, String supplierName, LocalDate shipDate,
            LocalDate inHandsDate, String operationsStatus) {
    }

    /** Shipment counts by status, as the carrier tracking keeps them on the order. */
    @RegisterForReflection
    public record ShipmentCounts(int total, int inTransit, int delivered, int exception) {
    }

    @RegisterForReflection
    public record OrderView(String orderNumber, String platformId, String approval, boolean excluded,
            Instant createdAt, Instant updatedAt, int poCount, List<PurchaseOrderView> purchaseOrders,
            ShipmentCounts shipments, String derivedStatus, Instant syncedAt) {
    }

    @RegisterForReflection
    public record OrderPage(List<OrderView> orders, int limit, int offset, Integer nextOffset) {
    }

    @RegisterForReflection
    public record TrackingEventView(String eventId, Instant occurredAt, String status, String statusCode,
            String statusMilestone, String location, String courierCode) {
    }

    @RegisterForReflection
    public record ShipmentView(long id, String poNumber, String trackingNumber, String courierCode, String statusCode,
            String statusCategory, String statusMilestone, Instant estimatedDelivery, Instant lastEventAt,
            List<TrackingEventView> events) {
    }

    @RegisterForReflection
    public record OrderDetail(OrderView order, List<ShipmentView> shipments) {
    }
}
