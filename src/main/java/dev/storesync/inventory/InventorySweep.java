package dev.storesync.inventory;

import dev.storesync.shopify.client.ShopifyAdminClient;
import dev.storesync.shopify.client.ShopifyResult;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One partner's part of a sweep: read the partner's stock of its mapped variants and the owner's
 * {@code available} of the mapped owner items (⌈N/250⌉ calls per side), then set only what differs
 * (⌈changed/250⌉ calls), each quantity compared against the owner value just read. The partner is
 * always right; negative partner stock is written as 0.
 */
@ApplicationScoped
public class InventorySweep {

    /** Shopify's limit on every input array: nodes ids and inventory quantities. */
    static final int BATCH = 250;
    static final String STALE = "CHANGE_FROM_QUANTITY_STALE";

    /** An item that could not be synced; {@code reason} is a stable code, {@code shopifyError} Shopify's words. */
    record Failure(Long mappingId, String reason, String shopifyError) {
    }

    /**
     * One partner's result; {@code error} says why the whole partner failed, and {@code failureKind}
     * (see {@link FailureKind}) what kind of failure that was, for the alerts.
     */
    record PartnerOutcome(long partnerId, String status, int checked, int changed, int unchanged, long durationMs,
            String error, List<Failure> failures, FailureKind failureKind) {

        PartnerOutcome(long partnerId, String status, int checked, int changed, int unchanged, long durationMs,
                String error, List<Failure> failures) {
            this(partnerId, status, checked, changed, unchanged, durationMs, error, failures, null);
        }

        static PartnerOutcome failed(long partnerId, long durationMs, String error) {
            return failed(partnerId, durationMs, error, FailureKind.OTHER);
        }

        static PartnerOutcome failed(long partnerId, long durationMs, String error, FailureKind kind) {
            return new PartnerOutcome(partnerId, "failed", 0, 0, 0, durationMs, error, List.of(), kind);
        }
    }

    /** Why a whole partner failed. */
    enum FailureKind {
        /** The partner's token was rejected (401) or lacks a permission (403). */
        PARTNER_TOKEN_INVALID,
        /** The partner did not answer, after the client's retries (5xx, timeouts, open breaker). */
        PARTNER_UNREACHABLE,
        /** Reading the owner failed: nothing is known about the partner. */
        OWNER_UNAVAILABLE,
        OTHER;

        static FailureKind of(ShopifyResult result) {
            if (result instanceof ShopifyResult.Unauthorized || result instanceof ShopifyResult.Forbidden) {
                return PARTNER_TOKEN_INVALID;
            }
            return result instanceof ShopifyResult.Transient ? PARTNER_UNREACHABLE : OTHER;
        }
    }

    /** The whole partner cannot be synced now (a read failed): no item of it is written. */
    static final class PartnerFailed extends RuntimeException {
        final FailureKind kind;

        PartnerFailed(String message, FailureKind kind) {
            super(message, null, false, false);
            this.kind = kind;
        }
    }

    private record PartnerStock(Integer quantity, String inventoryItemGid) {
    }

    /** The owner's level of an item; {@code available} null when the item is not stocked at the location. */
    private record OwnerLevel(Integer available) {
    }

    private record Change(ProductMappings.Mapping mapping, int quantity, int from) {
    }

    private record Written(int changed, int unchanged, List<Failure> failures, String error) {
    }

    private final ShopifyAdminClient shopify;

    InventorySweep(ShopifyAdminClient shopify) {
        this.shopify = shopify;
    }

    Uni<PartnerOutcome> sweep(Partners.Partner partner, OwnerShop.Owner owner, List<ProductMappings.Mapping> mappings) {
        long started = System.nanoTime();
        return readPartner(partner.domain(), mappings)
                .chain(stock -> readOwner(owner, mappings.stream().map(ProductMappings.Mapping::ownerInventoryItemGid)
                        .toList()).chain(levels -> compareAndWrite(partner, owner, mappings, stock, levels, started)))
                .onFailure(PartnerFailed.class).recoverWithItem(e -> PartnerOutcome.failed(partner.id(),
                        millisSince(started), e.getMessage(), ((PartnerFailed) e).kind));
    }

    private Uni<PartnerOutcome> compareAndWrite(Partners.Partner partner, OwnerShop.Owner owner,
            List<ProductMappings.Mapping> mappings, Map<String, PartnerStock> stock, Map<String, OwnerLevel> levels,
            long started) {
        List<Failure> failures = new ArrayList<>();
        List<Change> changes = new ArrayList<>();
        int unchanged = 0;
        for (ProductMappings.Mapping m : mappings) {
            PartnerStock partnerStock = stock.get(m.partnerVariantGid());
            OwnerLevel level = levels.get(m.ownerInventoryItemGid());
            if (partnerStock == null) {
                failures.add(new Failure(m.id(), "partner_variant_not_found", null));
            } else if (partnerStock.quantity() == null) {
                failures.add(new Failure(m.id(), "partner_quantity_unknown", null));
            } else if (!m.partnerInventoryItemGid().equals(partnerStock.inventoryItemGid())) {
                failures.add(new Failure(m.id(), "partner_inventory_item_changed",
                        "the variant's inventory item is now " + partnerStock.inventoryItemGid()));
            } else if (level == null) {
                failures.add(new Failure(m.id(), "owner_item_not_found", null));
            } else if (level.available() == null) {
                failures.add(new Failure(m.id(), "not_stocked_at_owner_location", null));
            } else {
                int target = Math.max(0, partnerStock.quantity());
                if (target == level.available()) {
                    unchanged++;
                } else {
                    changes.add(new Change(m, target, level.available()));
                }
            }
        }
        int unchangedBeforeWrites = unchanged;
        return Multi.createFrom().iterable(batches(changes)).onItem()
                .transformToUniAndConcatenate(batch -> write(owner, batch, true))
                .collect().asList().map(written -> {
                    int changed = 0;
                    int unchangedAfterRetry = unchangedBeforeWrites;
                    String error = null;
                    for (Written w : written) {
                        changed += w.changed();
                        unchangedAfterRetry += w.unchanged();
                        failures.addAll(w.failures());
                        error = error == null ? w.error() : error;
                    }
                    String status = error != null ? "failed" : failures.isEmpty() ? "healthy" : "warning";
                    return new PartnerOutcome(partner.id(), status, mappings.size(), changed, unchangedAfterRetry,
                            millisSince(started), error, List.copyOf(failures));
                });
    }

    // --- Reads --------------------------------------------------------------------------------

    private Uni<Map<String, PartnerStock>> readPartner(String domain, List<ProductMappings.Mapping> mappings) {
        List<String> ids = mappings.stream().map(ProductMappings.Mapping::partnerVariantGid).toList();
        return Multi.createFrom().iterable(batches(ids)).onItem()
                .transformToUniAndConcatenate(batch -> shopify.query(domain, "InventoryPartnerStock", Map.of("ids", batch))
                        .map(result -> {
                            Map<String, PartnerStock> out = new HashMap<>();
                            for (JsonObject node : nodes(result, "the partner's stock")) {
                                JsonObject item = node.getJsonObject("inventoryItem");
                                out.put(node.getString("id"), new PartnerStock(node.getInteger("inventoryQuantity"),
                                        item == null ? null : item.getString("id")));
                            }
                            return out;
                        }))
                .collect().in(HashMap::new, Map::putAll);
    }

    private Uni<Map<String, OwnerLevel>> readOwner(OwnerShop.Owner owner, List<String> itemGids) {
        return Multi.createFrom().iterable(batches(itemGids)).onItem()
                .transformToUniAndConcatenate(batch -> shopify.query(owner.domain(), "InventoryOwnerLevels",
                        Map.of("ids", batch, "locationId", owner.locationGid())).map(result -> {
                            Map<String, OwnerLevel> out = new HashMap<>();
                            for (JsonObject node : nodes(result, "the owner's stock")) {
                                out.put(node.getString("id"), new OwnerLevel(available(node.getJsonObject("inventoryLevel"))));
                            }
                            return out;
                        }))
                .collect().<Map<String, OwnerLevel>>in(HashMap::new, Map::putAll)
                .onFailure(PartnerFailed.class)
                .transform(e -> new PartnerFailed(e.getMessage(), FailureKind.OWNER_UNAVAILABLE));
    }

    private static Integer available(JsonObject level) {
        if (level == null) {
            return null;
        }
        JsonArray quantities = level.getJsonArray("quantities", new JsonArray());
        for (int i = 0; i < quantities.size(); i++) {
            if ("available".equals(quantities.getJsonObject(i).getString("name"))) {
                return quantities.getJsonObject(i).getInteger("quantity");
            }
        }
        return null;
    }

    /** The non-null nodes of a nodes(ids:) answer (null: no such object, or not of the asked type). */
    private static List<JsonObject> nodes(ShopifyResult result, String what) {
        if (!(result instanceof ShopifyResult.Success ok)) {
            throw new PartnerFailed("Reading " + what + " failed: " + result.message().en(), FailureKind.of(result));
        }
        List<JsonObject> out = new ArrayList<>();
        JsonArray nodes = ok.data().getJsonArray("nodes", new JsonArray());
        for (int i = 0; i < nodes.size(); i++) {
            if (nodes.getValue(i) instanceof JsonObject node && node.getString("id") != null) {
                out.add(node);
            }
        }
        return out;
    }

    // --- Writes -------------------------------------------------------------------------------

    /**
     * Sets one batch. Shopify applies a call all or nothing, so on userErrors nothing was written:
     * items Shopify named with another code fail, stale ones are re-read, and the rest is sent once
     * more. Resending is safe because every quantity carries changeFromQuantity: a change that did
     * land comes back stale, and the re-read then finds it equal.
     */
    private Uni<Written> write(OwnerShop.Owner owner, List<Change> batch, boolean mayRetry) {
        return shopify.query(owner.domain(), "InventorySetAvailable", Map.of("input", input(owner, batch)))
                .chain(result -> {
                    if (result instanceof ShopifyResult.Success) {
                        return Uni.createFrom().item(new Written(batch.size(), 0, List.of(), null));
                    }
                    if (result instanceof ShopifyResult.UserErrors refused) {
                        return refused(owner, batch, refused, mayRetry);
                    }
                    return Uni.createFrom().item(new Written(0, 0, batch.stream()
                            .map(c -> new Failure(c.mapping().id(), "write_failed", result.message().en())).toList(),
                            "Setting the owner's stock failed: " + result.message().en()));
                });
    }

    private Uni<Written> refused(OwnerShop.Owner owner, List<Change> batch, ShopifyResult.UserErrors refused,
            boolean mayRetry) {
        Map<Integer, ShopifyResult.UserError> byIndex = new HashMap<>();
        for (ShopifyResult.UserError e : refused.errors()) {
            Integer index = quantityIndex(e.field());
            if (index == null || index >= batch.size()) {
                // An error about the whole call: nothing of the batch can be written this run.
                return Uni.createFrom().item(new Written(0, 0, batch.stream()
                        .map(c -> new Failure(c.mapping().id(), "write_refused", describe(e))).toList(), null));
            }
            byIndex.putIfAbsent(index, e);
        }
        List<Failure> failures = new ArrayList<>();
        List<Change> resend = new ArrayList<>();
        List<Change> stale = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            ShopifyResult.UserError e = byIndex.get(i);
            Change c = batch.get(i);
            if (e == null) {
                resend.add(c);
            } else if (STALE.equals(e.code()) && mayRetry) {
                stale.add(c);
            } else {
                failures.add(new Failure(c.mapping().id(), STALE.equals(e.code()) ? "stale_after_retry" : "write_refused",
                        describe(e)));
            }
        }
        if (!mayRetry) {
            // Second refusal: what Shopify did not name was not written either.
            resend.forEach(c -> failures.add(new Failure(c.mapping().id(), "write_refused",
                    "not written: Shopify refused the rest of the call")));
            return Uni.createFrom().item(new Written(0, 0, failures, null));
        }
        Uni<List<Change>> refreshed = stale.isEmpty() ? Uni.createFrom().item(List.of())
                : readOwner(owner, stale.stream().map(c -> c.mapping().ownerInventoryItemGid()).toList())
                        .map(levels -> {
                            List<Change> again = new ArrayList<>();
                            for (Change c : stale) {
                                OwnerLevel level = levels.get(c.mapping().ownerInventoryItemGid());
                                if (level == null || level.available() == null) {
                                    failures.add(new Failure(c.mapping().id(), "not_stocked_at_owner_location", null));
                                } else if (level.available() != c.quantity()) {
                                    again.add(new Change(c.mapping(), c.quantity(), level.available()));
                                } else {
                                    again.add(null);
                                }
                            }
                            return again;
                        })
                        .onFailure(PartnerFailed.class).recoverWithItem(e -> {
                            stale.forEach(c -> failures.add(new Failure(c.mapping().id(), "stale_reread_failed",
                                    e.getMessage())));
                            return List.of();
                        });
        return refreshed.chain(again -> {
            int nowEqual = (int) again.stream().filter(c -> c == null).count();
            List<Change> retry = new ArrayList<>(resend);
            again.stream().filter(c -> c != null).forEach(retry::add);
            if (retry.isEmpty()) {
                return Uni.createFrom().item(new Written(0, nowEqual, failures, null));
            }
            return write(owner, retry, false).map(w -> {
                List<Failure> all = new ArrayList<>(failures);
                all.addAll(w.failures());
                return new Written(w.changed(), nowEqual + w.unchanged(), all, w.error());
            });
        });
    }

    private static Map<String, Object> input(OwnerShop.Owner owner, List<Change> batch) {
        // An owner item has one active mapping (unique index), so no (item, location) pair repeats.
        List<Map<String, Object>> quantities = new ArrayList<>();
        for (Change c : batch) {
            quantities.add(Map.of("inventoryItemId", c.mapping().ownerInventoryItemGid(),
                    "locationId", owner.locationGid(), "quantity", c.quantity(), "changeFromQuantity", c.from()));
        }
        return Map.of("name", "available", "reason", "correction", "quantities", quantities);
    }

    /** The index i of a userError's field ["input", "quantities", "i", ...], or null. */
    private static Integer quantityIndex(List<String> field) {
        if (field == null || field.size() < 3 || !"quantities".equals(field.get(1))) {
            return null;
        }
        try {
            return Integer.parseInt(field.get(2));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static String describe(ShopifyResult.UserError e) {
        return e.code() == null ? e.message() : e.code() + ": " + e.message();
    }

    static <T> List<List<T>> batches(List<T> all) {
        List<List<T>> out = new ArrayList<>();
        for (int i = 0; i < all.size(); i += BATCH) {
            out.add(List.copyOf(all.subList(i, Math.min(all.size(), i + BATCH))));
        }
        return out;
    }

    private static long millisSince(long nanoStart) {
        return (System.nanoTime() - nanoStart) / 1_000_000;
    }
}
