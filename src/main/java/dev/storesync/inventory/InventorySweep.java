package dev.storesync.inventory;

import dev.storesync.shopify.client.ShopifyAdminClient;
import dev.storesync.shopify.client.ShopifyResult;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * One partner's part of a sweep: read the partner's stock of its mapped variants and the owner's
 * {@code available} of the mapped owner items (⌈N/250⌉ calls per side), then set only what differs
 * (⌈changed/250⌉ calls), each quantity compared against the owner value just read. The partner is
 * always right; negative partner stock is written as 0. A partner with a location set is read at
 * that location's level instead of the variant's total. An owner item not stocked at the owner
 * location is activated there first (one call per such item). With API versions that have it, each
 * write carries an {@code @idempotent} key derived from the run, the partner, the batch and the
 * attempt, so a write whose answer was lost and is resent is applied once.
 */
@ApplicationScoped
public class InventorySweep {

    /** Shopify's limit on every input array: nodes ids and inventory quantities. */
    static final int BATCH = 250;
    static final String STALE = "CHANGE_FROM_QUANTITY_STALE";
    static final String NOT_STOCKED = "ITEM_NOT_STOCKED_AT_LOCATION";

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

    /** {@code stocked} false: the partner has a location set and the item is not stocked there. */
    private record PartnerStock(Integer quantity, String inventoryItemGid, boolean stocked) {
    }

    /** The owner's level of an item; {@code available} null when the item is not stocked at the location. */
    private record OwnerLevel(Integer available) {
    }

    private record Change(ProductMappings.Mapping mapping, int quantity, int from) {
    }

    private record Written(int changed, int unchanged, List<Failure> failures, String error) {
    }

    /** Where a partner's writes come from, for their idempotency keys: a run, or a live batch. */
    record WriteScope(String name) {

        static WriteScope run(long runId) {
            return new WriteScope("run/" + runId);
        }

        /** A stable UUID per (scope, partner, batch, attempt): a resend reuses it, a different call never does. */
        String key(long partnerId, int batch, int attempt) {
            return UUID.nameUUIDFromBytes(("storesync/inventory/" + name + "/partner/" + partnerId + "/batch/" + batch
                    + "/attempt/" + attempt).getBytes(StandardCharsets.UTF_8)).toString();
        }
    }

    /** One write call's context: whose batch it is and which attempt. */
    private record Call(WriteScope scope, long partnerId, int batch, int attempt) {
    }

    private final ShopifyAdminClient shopify;

    InventorySweep(ShopifyAdminClient shopify) {
        this.shopify = shopify;
    }

    Uni<PartnerOutcome> sweep(Partners.Partner partner, OwnerShop.Owner owner, List<ProductMappings.Mapping> mappings,
            WriteScope scope) {
        long started = System.nanoTime();
        return readPartner(partner, mappings)
                .chain(stock -> readOwner(owner, mappings.stream().map(ProductMappings.Mapping::ownerInventoryItemGid)
                        .toList()).chain(levels -> compareAndWrite(partner, owner, mappings, stock, levels, scope,
                                started)))
                .onFailure(PartnerFailed.class).recoverWithItem(e -> PartnerOutcome.failed(partner.id(),
                        millisSince(started), e.getMessage(), ((PartnerFailed) e).kind));
    }

    private Uni<PartnerOutcome> compareAndWrite(Partners.Partner partner, OwnerShop.Owner owner,
            List<ProductMappings.Mapping> mappings, Map<String, PartnerStock> stock, Map<String, OwnerLevel> levels,
            WriteScope scope, long started) {
        List<Failure> failures = new ArrayList<>();
        List<Change> changes = new ArrayList<>();
        List<Change> toActivate = new ArrayList<>();
        int unchanged = 0;
        for (ProductMappings.Mapping m : mappings) {
            PartnerStock partnerStock = stock.get(m.partnerVariantGid());
            OwnerLevel level = levels.get(m.ownerInventoryItemGid());
            if (partnerStock == null) {
                failures.add(new Failure(m.id(), "partner_variant_not_found", null));
            } else if (!partnerStock.stocked()) {
                failures.add(new Failure(m.id(), "not_stocked_at_partner_location",
                        "not stocked at the partner's location " + partner.locationGid()));
            } else if (partnerStock.quantity() == null) {
                failures.add(new Failure(m.id(), "partner_quantity_unknown", null));
            } else if (!m.partnerInventoryItemGid().equals(partnerStock.inventoryItemGid())) {
                failures.add(new Failure(m.id(), "partner_inventory_item_changed",
                        "the variant's inventory item is now " + partnerStock.inventoryItemGid()));
            } else if (level == null) {
                failures.add(new Failure(m.id(), "owner_item_not_found", null));
            } else if (level.available() == null) {
                toActivate.add(new Change(m, Math.max(0, partnerStock.quantity()), 0));
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
        return activate(owner, toActivate, failures).chain(activated -> {
            int nowEqual = 0;
            for (Change c : activated) {
                if (c.quantity() == c.from()) {
                    nowEqual++;
                } else {
                    changes.add(c);
                }
            }
            int unchangedAfterActivation = unchangedBeforeWrites + nowEqual;
            List<List<Change>> batches = batches(changes);
            return Multi.createFrom().range(0, batches.size()).onItem()
                    .transformToUniAndConcatenate(b -> write(owner, batches.get(b), new Call(scope, partner.id(), b, 1)))
                    .collect().asList().map(written -> {
                        int changed = 0;
                        int unchangedAfterRetry = unchangedAfterActivation;
                        String error = null;
                        for (Written w : written) {
                            changed += w.changed();
                            unchangedAfterRetry += w.unchanged();
                            failures.addAll(w.failures());
                            error = error == null ? w.error() : error;
                        }
                        String status = error != null ? "failed" : failures.isEmpty() ? "healthy" : "warning";
                        logItems(partner, changes, failures);
                        return new PartnerOutcome(partner.id(), status, mappings.size(), changed, unchangedAfterRetry,
                                millisSince(started), error, List.copyOf(failures));
                    });
        });
    }

    /** Each item's result, for the log (failed items are also stored with the run). */
    private static void logItems(Partners.Partner partner, List<Change> changes, List<Failure> failures) {
        if (!Log.isDebugEnabled()) {
            return;
        }
        java.util.Set<Long> failed = new java.util.HashSet<>();
        for (Failure f : failures) {
            failed.add(f.mappingId());
            Log.debugf("Partner %d mapping %d: failed, %s%s", partner.id(), f.mappingId(), f.reason(),
                    f.shopifyError() == null ? "" : " (" + f.shopifyError() + ")");
        }
        for (Change c : changes) {
            if (!failed.contains(c.mapping().id())) {
                Log.debugf("Partner %d mapping %d: owner %s set from %d to %d", partner.id(), c.mapping().id(),
                        c.mapping().ownerInventoryItemGid(), c.from(), c.quantity());
            }
        }
    }

    // --- Activation ---------------------------------------------------------------------------

    /**
     * Starts stocking owner items at the owner location, one call each (Shopify has no batch form);
     * answers each activated item as a change from its new level. Activating an item that is already
     * stocked changes nothing, so the call is safe to resend.
     */
    private Uni<List<Change>> activate(OwnerShop.Owner owner, List<Change> items, List<Failure> failures) {
        return Multi.createFrom().iterable(items).onItem()
                .transformToUniAndConcatenate(c -> shopify.query(owner.domain(), "InventoryActivate",
                        Map.of("inventoryItemId", c.mapping().ownerInventoryItemGid(), "locationId", owner.locationGid()))
                        .map(result -> {
                            if (result instanceof ShopifyResult.Success ok) {
                                JsonObject payload = ok.data().getJsonObject("inventoryActivate", new JsonObject());
                                Integer available = available(payload.getJsonObject("inventoryLevel"));
                                Log.infof("Owner item %s activated at %s", c.mapping().ownerInventoryItemGid(),
                                        owner.locationGid());
                                return new Change(c.mapping(), c.quantity(), available == null ? 0 : available);
                            }
                            failures.add(new Failure(c.mapping().id(), "activation_failed", result.message().en()));
                            return null;
                        }))
                .collect().asList().map(list -> list.stream().filter(java.util.Objects::nonNull).toList());
    }

    // --- Reads --------------------------------------------------------------------------------

    private Uni<Map<String, PartnerStock>> readPartner(Partners.Partner partner, List<ProductMappings.Mapping> mappings) {
        List<String> ids = mappings.stream().map(ProductMappings.Mapping::partnerVariantGid).toList();
        String location = partner.locationGid();
        return Multi.createFrom().iterable(batches(ids)).onItem()
                .transformToUniAndConcatenate(batch -> (location == null
                        ? shopify.query(partner.domain(), "InventoryPartnerStock", Map.of("ids", batch))
                        : shopify.query(partner.domain(), "InventoryPartnerLevels",
                                Map.of("ids", batch, "locationId", location)))
                        .map(result -> {
                            Map<String, PartnerStock> out = new HashMap<>();
                            for (JsonObject node : nodes(result, "the partner's stock")) {
                                JsonObject item = node.getJsonObject("inventoryItem");
                                String itemGid = item == null ? null : item.getString("id");
                                if (location == null) {
                                    out.put(node.getString("id"), new PartnerStock(node.getInteger("inventoryQuantity"),
                                            itemGid, true));
                                } else {
                                    JsonObject level = item == null ? null : item.getJsonObject("inventoryLevel");
                                    out.put(node.getString("id"), new PartnerStock(available(level), itemGid,
                                            level != null));
                                }
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
    private Uni<Written> write(OwnerShop.Owner owner, List<Change> batch, Call call) {
        Map<String, Object> variables = new HashMap<>();
        variables.put("input", input(owner, batch));
        String operation = "InventorySetAvailable";
        if (owner.supportsIdempotencyKeys()) {
            operation = "InventorySetAvailableIdempotent";
            variables.put("key", call.scope().key(call.partnerId(), call.batch(), call.attempt()));
        }
        return shopify.query(owner.domain(), operation, variables)
                .chain(result -> {
                    if (result instanceof ShopifyResult.Success) {
                        return Uni.createFrom().item(new Written(batch.size(), 0, List.of(), null));
                    }
                    if (result instanceof ShopifyResult.UserErrors refused) {
                        return refused(owner, batch, refused, call);
                    }
                    return Uni.createFrom().item(new Written(0, 0, batch.stream()
                            .map(c -> new Failure(c.mapping().id(), "write_failed", result.message().en())).toList(),
                            "Setting the owner's stock failed: " + result.message().en()));
                });
    }

    private Uni<Written> refused(OwnerShop.Owner owner, List<Change> batch, ShopifyResult.UserErrors refused,
            Call call) {
        boolean mayRetry = call.attempt() == 1;
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
        List<Change> unstocked = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            ShopifyResult.UserError e = byIndex.get(i);
            Change c = batch.get(i);
            if (e == null) {
                resend.add(c);
            } else if (STALE.equals(e.code()) && mayRetry) {
                stale.add(c);
            } else if (NOT_STOCKED.equals(e.code()) && mayRetry) {
                // Unstocked since the read (someone removed it from the location): stock it again, then set.
                unstocked.add(c);
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
        Uni<List<Change>> reactivated = refreshed.chain(again -> activate(owner, unstocked, failures).map(activated -> {
            List<Change> all = new ArrayList<>(again);
            activated.forEach(c -> all.add(c.quantity() == c.from() ? null : c));
            return all;
        }));
        return reactivated.chain(again -> {
            int nowEqual = (int) again.stream().filter(c -> c == null).count();
            List<Change> retry = new ArrayList<>(resend);
            again.stream().filter(c -> c != null).forEach(retry::add);
            if (retry.isEmpty()) {
                return Uni.createFrom().item(new Written(0, nowEqual, failures, null));
            }
            return write(owner, retry, new Call(call.scope(), call.partnerId(), call.batch(), 2)).map(w -> {
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
