package dev.storesync.orders;

import java.time.Instant;
import java.util.List;

/** Order bodies as the shipment API's users see them. */
public final class OrderDtos {

    private OrderDtos() {
    }

    /**
     * A line: {@code quantity} is what the customer orders now (after order edits and refunds; 0 when
     * an edit removed the line), {@code orderedQuantity} what was ordered at checkout.
     */
    public record LineView(long id, long shopifyId, String sku, String title, String variantTitle, String shopifyVendor,
            Long vendorId, int quantity, int orderedQuantity, boolean requiresShipping, int shippedQuantity,
            int remainingToShip) {
    }

    public record View(long id, String shop, long shopifyId, String name, Instant createdAt, Instant updatedAt,
            Instant cancelledAt, String financialStatus, String fulfillmentStatus, String customerName,
            List<LineView> lines) {
    }
}
