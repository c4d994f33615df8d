package dev.storesync.operations;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Where the durable work queues stand: per queue, for all shops and per shop, how many items are in
 * each state, how many are due now, the oldest due item, the next scheduled retry and how many
 * failed for good in the last 24 hours.
 */
public record QueueProgress(Instant at, List<Queue> queues) {

    /** The webhook inbox ({@code webhook_inbox}). */
    public static final String WEBHOOK_INBOX = "webhook_inbox";
    /** Shipment sync to Shopify ({@code shipments}). */
    public static final String SHIPMENT_SYNC = "shipment_sync";

    /** One queue: its totals and one entry per shop. */
    public record Queue(String queue, List<String> states, Progress total, List<Progress> shops) {
    }

    /**
     * One shop's part of a queue ({@code shop} is null in a total). {@code oldestDue} is when the
     * longest-waiting due item became due; {@code nextRetry} the earliest retry scheduled later.
     */
    public record Progress(String shop, Map<String, Long> counts, long dueNow, Instant oldestDue, Instant nextRetry,
            long failedLast24h) {
    }
}
