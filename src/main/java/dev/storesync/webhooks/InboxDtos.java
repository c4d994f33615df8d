package dev.storesync.webhooks;

import com.fasterxml.jackson.annotation.JsonRawValue;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.util.List;

/** Admin views of the webhook inbox and compliance audit, and the replay request. */
public final class InboxDtos {

    private InboxDtos() {
    }

    /** One inbox row without its payload, for lists. */
    public record Summary(long id, String webhookId, String topic, String shop, Long shopId, String eventId,
            String state, int attempt, int maxAttempts, Long duplicateOf, Instant receivedAt, Instant scheduledAt,
            Instant attemptedAt, Instant finalizedAt, String lastError) {
    }

    /** One failed attempt in a row's history. */
    public record ErrorEntry(Instant at, int attempt, String error) {
    }

    /** One inbox row with its error history and payload. */
    public record Detail(@JsonUnwrapped Summary summary, Instant triggeredAt, String apiVersion,
            String subscriptionName, String attemptedBy, Instant redactedAt, List<ErrorEntry> errors,
            @JsonRawValue String payload) {
    }

    /** A page of rows, newest first; pass {@code nextCursor} as {@code cursor} for the next page. */
    public record Page<T>(List<T> items, String nextCursor) {
    }

    /** Which rows to replay: all rows in {@code state}, optionally of one topic and one shop. */
    public record ReplayFilter(
            @NotBlank @Pattern(regexp = "available|retryable|completed|discarded|ignored",
                    message = "must be one of available, retryable, completed, discarded, ignored") String state,
            @Size(max = 255) String topic,
            @Size(max = 255) String shop) {
    }

    public record ReplayResult(int replayed) {
    }

    /** One audited compliance request. {@code details} holds counts and row ids, never personal data. */
    public record ComplianceRecord(long id, long inboxId, Long shopId, String shop, String topic, Long customerId,
            String action, @JsonRawValue String details, Instant createdAt, Instant updatedAt) {
    }
}
