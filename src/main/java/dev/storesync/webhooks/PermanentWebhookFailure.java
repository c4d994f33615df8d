package dev.storesync.webhooks;

/**
 * A delivery that fails the same way on every attempt, so retrying it only delays the verdict:
 * the dispatcher discards it at once, recording {@link #getMessage()} as the reason, and keeps the
 * row so that an admin can replay it once the cause is fixed. Handlers throw it (or fail their
 * {@code Uni} with it) for payloads they cannot read; anything else is treated as transient.
 */
public class PermanentWebhookFailure extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public PermanentWebhookFailure(String reason) {
        super(reason, null, false, false);
    }

    /** The payload does not have the shape the handler reads, e.g. {@code "line_items must be an array"}. */
    public static PermanentWebhookFailure unreadablePayload(String problem) {
        return new PermanentWebhookFailure("payload unreadable: " + problem);
    }
}
