package dev.storesync.inventory;

import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.util.List;

/**
 * Requests and views of the inventory admin API. Views inside lists and pages are registered for
 * reflection so the native image can serialize them.
 */
public final class InventoryDtos {

    static final String VARIANT_GID = "gid://shopify/ProductVariant/[0-9]+";
    static final String ITEM_GID = "gid://shopify/InventoryItem/[0-9]+";
    static final String LOCATION_GID = "gid://shopify/Location/[0-9]+";

    private InventoryDtos() {
    }

    /** Makes a connected shop the owner store; without a location its primary location is used. */
    public record OwnerRequest(@NotNull Long shopId,
            @Pattern(regexp = LOCATION_GID, message = "must be a Location GID") String locationGid) {
    }

    /** {@code locationGid} is null until set or read from Shopify (at the first run). */
    public record OwnerView(long shopId, String domain, String locationGid) {
    }

    /** {@code locationGid}: read the partner's stock at this location's level (default: the variant's total). */
    public record PartnerRequest(@NotNull Long shopId, @NotBlank @Size(max = 200) String displayName,
            @Pattern(regexp = LOCATION_GID, message = "must be a Location GID") String locationGid) {
    }

    /** The partner's stock location; null clears it (the variant's total over all locations). */
    public record PartnerLocationRequest(
            @Pattern(regexp = LOCATION_GID, message = "must be a Location GID") String locationGid) {
    }

    /** {@code status} is null until the partner's first sync; {@code locationGid} null: all locations. */
    @RegisterForReflection
    public record PartnerView(long id, long shopId, String domain, String displayName, boolean active, String status,
            Instant lastSyncAt, String lastError, int itemsFailing, long activeMappings, String locationGid) {
    }

    public record MappingRequest(@NotNull Long partnerId,
            @NotBlank @Pattern(regexp = VARIANT_GID, message = "must be a ProductVariant GID") String partnerVariantGid,
            @NotBlank @Pattern(regexp = ITEM_GID, message = "must be an InventoryItem GID") String partnerInventoryItemGid,
            @Size(max = 255) String sku,
            @NotBlank @Pattern(regexp = VARIANT_GID, message = "must be a ProductVariant GID") String ownerVariantGid,
            @NotBlank @Pattern(regexp = ITEM_GID, message = "must be an InventoryItem GID") String ownerInventoryItemGid) {
    }

    @RegisterForReflection
    public record MappingView(long id, long partnerId, String partnerVariantGid, String partnerInventoryItemGid,
            String sku, String ownerVariantGid, String ownerInventoryItemGid, boolean active, Instant createdAt) {
    }

    /**
     * One row of a mapping CSV import: {@code result} is created, duplicate (such a mapping exists, or
     * the owner item is fed already), not_found, ambiguous, invalid (the row itself) or failed (Shopify or
     * the store could not answer: upload the file again later).
     */
    @RegisterForReflection
    public record ImportRow(int row, String partnerSku, String ownerSku, String result, Long mappingId, String detail) {
    }

    @RegisterForReflection
    public record ImportReport(long partnerId, int rows, int created, int duplicate, int notFound, int ambiguous,
            int invalid, int failed, List<ImportRow> results) {
    }

    /**
     * A proposed mapping, not stored: its first six fields are a {@code POST /admin/inventory/mappings}
     * body. {@code matchedBy} is sku or barcode.
     */
    @RegisterForReflection
    public record Suggestion(long partnerId, String partnerVariantGid, String partnerInventoryItemGid, String sku,
            String ownerVariantGid, String ownerInventoryItemGid, String matchedBy, String partnerBarcode,
            String ownerSku, String ownerBarcode) {
    }

    /** A partner variant with several possible owner variants (or an owner variant wanted twice): for a person. */
    @RegisterForReflection
    public record AmbiguousSuggestion(String partnerVariantGid, String sku, String barcode, List<String> candidates) {
    }

    /** {@code truncated}: a shop has more variants than were read; the rest got no suggestion. */
    @RegisterForReflection
    public record Suggestions(long partnerId, List<Suggestion> suggestions, List<AmbiguousSuggestion> ambiguous,
            boolean truncated) {
    }

    /** A page, newest or lowest id first as documented per endpoint; {@code nextCursor} null on the last. */
    @RegisterForReflection
    public record Page<T>(List<T> items, String nextCursor) {
    }

    /** The answer to Sync Now: the run started now, or the one already running ({@code alreadyRunning}). */
    @RegisterForReflection
    public record SyncAccepted(long runId, boolean alreadyRunning) {
    }

    @RegisterForReflection
    public record RunSummary(long id, String trigger, Long partnerId, String outcome, Instant startedAt,
            Instant finishedAt, String error) {
    }

    @RegisterForReflection
    public record RunPartner(long partnerId, String displayName, String status, int checked, int changed,
            int unchanged, int failed, long durationMs, String error) {
    }

    @RegisterForReflection
    public record FailedItem(long partnerId, Long mappingId, String reason, String shopifyError) {
    }

    /** {@code progress} is the run's {@link RunProgress}, final once the run has ended. */
    public record RunDetail(long id, String trigger, Long partnerId, String outcome, Instant startedAt,
            Instant finishedAt, String error, RunProgress progress, List<RunPartner> partners,
            List<FailedItem> failedItems) {
    }

    /**
     * How far a run is: partners whose part is recorded, and their mapped items (synced or failed).
     * The totals are null until the run has listed its partners.
     */
    @RegisterForReflection
    public record RunProgress(long runId, String outcome, int partnersDone, Integer partnersTotal, int itemsDone,
            Integer itemsTotal) {

        boolean finished() {
            return !"running".equals(outcome);
        }
    }

    /** The schedule's runtime settings; {@code nextRunAt} null while disabled. */
    public record ScheduleView(boolean enabled, int intervalMinutes, Instant lastScheduledRunAt, Instant nextRunAt,
            Instant updatedAt) {
    }

    /** New schedule settings: both fields required, the interval 5 to 1,440 minutes. */
    public record ScheduleRequest(@NotNull Boolean enabled,
            @NotNull @Min(value = 5, message = "must be at least 5 minutes")
            @Max(value = 1440, message = "must be at most 1440 minutes (24 h)")
            Integer intervalMinutes) {
    }

    /** A critical condition of a partner: active now, or cleared (with the time it cleared). */
    @RegisterForReflection
    public record AlertView(long partnerId, String partnerName, String condition, boolean active, String detail,
            Instant raisedAt, Instant clearedAt, boolean mailSent, String lastMailError) {
    }
}
