package dev.storesync.inventory;

import dev.storesync.kernel.ProblemException;
import dev.storesync.shopify.client.ShopifyAdminClient;
import dev.storesync.shopify.client.ShopifyResult;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Proposes mappings for a partner by equal SKU, or else equal barcode, between the partner's and the
 * owner's variants, for review: nothing is stored; each suggestion has the fields of a mapping
 * request, so the admin posts those it accepts to {@code POST /admin/inventory/mappings}. Partner
 * variants already mapped and owner items already fed by an active mapping are left out; a partner
 * variant with several candidates, or an owner variant proposed for several partner variants, is
 * listed as ambiguous instead of suggested.
 */
@ApplicationScoped
public class MappingSuggestions {

    /** At most this many pages of 250 variants are read per shop (10,000 variants). */
    static final int MAX_PAGES = 40;

    private record Variant(String variantGid, String inventoryItemGid, String sku, String barcode) {
    }

    private record Catalog(List<Variant> variants, boolean truncated) {
    }

    private final ShopifyAdminClient shopify;
    private final Partners partners;
    private final OwnerShop owner;
    private final Pool pool;

    MappingSuggestions(ShopifyAdminClient shopify, Partners partners, OwnerShop owner, Pool pool) {
        this.shopify = shopify;
        this.partners = partners;
        this.owner = owner;
        this.pool = pool;
    }

    public Uni<InventoryDtos.Suggestions> suggest(Long partnerId) {
        if (partnerId == null) {
            throw ProblemException.invalidField("partner", "the partner to suggest mappings for is required");
        }
        return partners.get(partnerId).chain(partner -> {
            if (partner == null) {
                throw ProblemException.notFound("No partner with id " + partnerId);
            }
            return owner.get().chain(o -> {
                if (o == null) {
                    throw ProblemException.conflict("No owner shop is set: PUT /admin/inventory/owner first");
                }
                return catalog(partner.domain(), null, new ArrayList<>(), 0)
                        .chain(theirs -> catalog(o.domain(), null, new ArrayList<>(), 0)
                                .chain(ours -> mapped(partnerId).map(taken -> match(partnerId, theirs, ours, taken))));
            });
        });
    }

    private record Taken(Set<String> partnerVariants, Set<String> ownerItems) {
    }

    private Uni<Taken> mapped(long partnerId) {
        return pool.preparedQuery("""
                SELECT partner_id = $1 AS mine, partner_variant_gid, owner_inventory_item_gid, active
                FROM product_mappings WHERE partner_id = $1 OR active""").execute(Tuple.of(partnerId)).map(rows -> {
                    Set<String> partnerVariants = new HashSet<>();
                    Set<String> ownerItems = new HashSet<>();
                    rows.forEach(r -> {
                        if (r.getBoolean("mine")) {
                            partnerVariants.add(r.getString("partner_variant_gid"));
                        }
                        if (r.getBoolean("active")) {
                            ownerItems.add(r.getString("owner_inventory_item_gid"));
                        }
                    });
                    return new Taken(partnerVariants, ownerItems);
                });
    }

    private static InventoryDtos.Suggestions match(long partnerId, Catalog theirs, Catalog ours, Taken taken) {
        Map<String, List<Variant>> bySku = new HashMap<>();
        Map<String, List<Variant>> byBarcode = new HashMap<>();
        for (Variant v : ours.variants()) {
            if (taken.ownerItems().contains(v.inventoryItemGid())) {
                continue;
            }
            if (v.sku() != null) {
                bySku.computeIfAbsent(v.sku(), k -> new ArrayList<>()).add(v);
            }
            if (v.barcode() != null) {
                byBarcode.computeIfAbsent(v.barcode(), k -> new ArrayList<>()).add(v);
            }
        }
        Map<Variant, String> proposed = new LinkedHashMap<>();
        Map<Variant, Variant> target = new HashMap<>();
        List<InventoryDtos.AmbiguousSuggestion> ambiguous = new ArrayList<>();
        for (Variant v : theirs.variants()) {
            if (taken.partnerVariants().contains(v.variantGid())) {
                continue;
            }
            List<Variant> candidates = v.sku() == null ? List.of() : bySku.getOrDefault(v.sku(), List.of());
            String by = "sku";
            if (candidates.isEmpty() && v.barcode() != null) {
                candidates = byBarcode.getOrDefault(v.barcode(), List.of());
                by = "barcode";
            }
            if (candidates.size() == 1) {
                proposed.put(v, by);
                target.put(v, candidates.get(0));
            } else if (candidates.size() > 1) {
                ambiguous.add(new InventoryDtos.AmbiguousSuggestion(v.variantGid(), v.sku(), v.barcode(),
                        candidates.stream().map(Variant::variantGid).toList()));
            }
        }
        // An owner item takes one mapping: an owner variant proposed twice is for a person to decide.
        Map<Variant, List<Variant>> claims = new HashMap<>();
        target.forEach((mine, theirsVariant) -> claims.computeIfAbsent(theirsVariant, k -> new ArrayList<>()).add(mine));
        List<InventoryDtos.Suggestion> suggestions = new ArrayList<>();
        for (Map.Entry<Variant, String> e : proposed.entrySet()) {
            Variant p = e.getKey();
            Variant o = target.get(p);
            if (claims.get(o).size() > 1) {
                ambiguous.add(new InventoryDtos.AmbiguousSuggestion(p.variantGid(), p.sku(), p.barcode(),
                        List.of(o.variantGid())));
                continue;
            }
            suggestions.add(new InventoryDtos.Suggestion(partnerId, p.variantGid(), p.inventoryItemGid(), p.sku(),
                    o.variantGid(), o.inventoryItemGid(), e.getValue(), p.barcode(), o.sku(), o.barcode()));
        }
        return new InventoryDtos.Suggestions(partnerId, suggestions, ambiguous, theirs.truncated() || ours.truncated());
    }

    /** Every variant of the shop, page by page (at most {@link #MAX_PAGES}). */
    private Uni<Catalog> catalog(String domain, String after, List<Variant> into, int page) {
        Map<String, Object> variables = new HashMap<>();
        variables.put("after", after);
        return shopify.query(domain, "InventoryVariantsPage", variables).chain(result -> {
            if (!(result instanceof ShopifyResult.Success ok)) {
                throw new ProblemException(dev.storesync.kernel.Problem.of(502, "shopify-unavailable",
                        "Shopify could not be read", "Reading the variants of " + domain + " failed: "
                                + result.message().en() + " Nothing was proposed; try again."));
            }
            JsonObject connection = ok.data().getJsonObject("productVariants", new JsonObject());
            JsonArray nodes = connection.getJsonArray("nodes", new JsonArray());
            for (int i = 0; i < nodes.size(); i++) {
                JsonObject node = nodes.getJsonObject(i);
                JsonObject item = node.getJsonObject("inventoryItem");
                if (item != null) {
                    into.add(new Variant(node.getString("id"), item.getString("id"), blankToNull(node.getString("sku")),
                            blankToNull(node.getString("barcode"))));
                }
            }
            JsonObject pageInfo = connection.getJsonObject("pageInfo", new JsonObject());
            boolean more = pageInfo.getBoolean("hasNextPage", false);
            if (more && page + 1 < MAX_PAGES) {
                return catalog(domain, pageInfo.getString("endCursor"), into, page + 1);
            }
            return Uni.createFrom().item(new Catalog(into, more));
        });
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text.trim();
    }
}
