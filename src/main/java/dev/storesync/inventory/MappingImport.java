package dev.storesync.inventory;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.csv.CsvFactory;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import dev.storesync.kernel.Problem;
import dev.storesync.kernel.ProblemException;
import dev.storesync.shopify.client.ShopifyAdminClient;
import dev.storesync.shopify.client.ShopifyResult;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * CSV import of mappings for one partner: each row names a partner SKU and an owner SKU, resolved to
 * variants through {@code productVariants(query: "sku:…")} on each shop (an exact SKU match; none is
 * "not_found", more than one "ambiguous"), then created as {@code POST /admin/inventory/mappings}
 * would. Rows are independent: the report says per row what happened. A file that cannot be read,
 * or lacks a column, is refused whole and nothing is stored. Importing a file again creates only
 * what is still missing (the rest is "duplicate"), so a row that failed because Shopify was
 * unreachable is retried by uploading the file again.
 */
@ApplicationScoped
public class MappingImport {

    static final int MAX_ROWS = 2000;
    private static final CsvFactory CSV = new CsvFactory();

    /** A variant as the lookup found it. */
    private record Variant(String variantGid, String inventoryItemGid) {
    }

    /** One SKU's lookup: the exact matches, or why there are none to use. */
    private record Lookup(List<Variant> matches, String error) {
    }

    private record Row(int row, String partnerSku, String ownerSku) {
    }

    private final ShopifyAdminClient shopify;
    private final Partners partners;
    private final OwnerShop owner;
    private final ProductMappings mappings;

    MappingImport(ShopifyAdminClient shopify, Partners partners, OwnerShop owner, ProductMappings mappings) {
        this.shopify = shopify;
        this.partners = partners;
        this.owner = owner;
        this.mappings = mappings;
    }

    public Uni<InventoryDtos.ImportReport> importCsv(Long partnerId, byte[] body) {
        if (partnerId == null) {
            throw ProblemException.invalidField("partner", "the partner whose mappings the file holds is required");
        }
        List<Row> rows = parse(body);
        return partners.get(partnerId).chain(partner -> {
            if (partner == null) {
                throw ProblemException.notFound("No partner with id " + partnerId);
            }
            return owner.get().chain(o -> {
                if (o == null) {
                    throw ProblemException.conflict("No owner shop is set: PUT /admin/inventory/owner first");
                }
                Map<String, Uni<Lookup>> partnerLookups = new HashMap<>();
                Map<String, Uni<Lookup>> ownerLookups = new HashMap<>();
                return Multi.createFrom().iterable(rows).onItem().transformToUniAndConcatenate(row -> importRow(row,
                        partner, o, partnerLookups, ownerLookups)).collect().asList()
                        .map(results -> report(partnerId, results));
            });
        });
    }

    private Uni<InventoryDtos.ImportRow> importRow(Row row, InventoryDtos.PartnerView partner, InventoryDtos.OwnerView o,
            Map<String, Uni<Lookup>> partnerLookups, Map<String, Uni<Lookup>> ownerLookups) {
        if (row.partnerSku().isEmpty() || row.ownerSku().isEmpty()) {
            return Uni.createFrom().item(result(row, "invalid", null, "partner_sku and owner_sku are both required"));
        }
        if (row.partnerSku().length() > 255 || row.ownerSku().length() > 255) {
            return Uni.createFrom().item(result(row, "invalid", null, "a SKU has at most 255 characters"));
        }
        Uni<Lookup> partnerSide = partnerLookups.computeIfAbsent(row.partnerSku(),
                sku -> lookup(partner.domain(), sku).memoize().indefinitely());
        Uni<Lookup> ownerSide = ownerLookups.computeIfAbsent(row.ownerSku(),
                sku -> lookup(o.domain(), sku).memoize().indefinitely());
        return partnerSide.chain(p -> ownerSide.chain(w -> {
            String problem = problem("partner", row.partnerSku(), p);
            if (problem == null) {
                problem = problem("owner", row.ownerSku(), w);
            }
            if (problem != null) {
                String outcome = p.error() != null || w.error() != null ? "failed"
                        : p.matches().size() > 1 || w.matches().size() > 1 ? "ambiguous" : "not_found";
                return Uni.createFrom().item(result(row, outcome, null, problem));
            }
            Variant pv = p.matches().get(0);
            Variant ov = w.matches().get(0);
            return mappings.create(new InventoryDtos.MappingRequest(partner.id(), pv.variantGid(), pv.inventoryItemGid(),
                    row.partnerSku(), ov.variantGid(), ov.inventoryItemGid()))
                    .map(created -> result(row, "created", created.id(), null))
                    .onFailure(ProblemException.class).recoverWithItem(e -> {
                        ProblemException refused = (ProblemException) e;
                        return result(row, refused.problem().status() == 409 ? "duplicate" : "failed", null,
                                refused.problem().detail());
                    });
        }));
    }

    /** Why a side cannot be used, or null when it has exactly one variant. */
    private static String problem(String side, String sku, Lookup lookup) {
        if (lookup.error() != null) {
            return "the " + side + " SKU " + sku + " could not be looked up: " + lookup.error();
        }
        if (lookup.matches().isEmpty()) {
            return "no " + side + " variant has SKU " + sku;
        }
        if (lookup.matches().size() > 1) {
            return lookup.matches().size() + " " + side + " variants have SKU " + sku + ": "
                    + String.join(", ", lookup.matches().stream().map(Variant::variantGid).toList());
        }
        return null;
    }

    /** The shop's variants whose SKU is exactly {@code sku} (Shopify's search also returns near matches). */
    private Uni<Lookup> lookup(String domain, String sku) {
        String quoted = "\"" + sku.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
        return shopify.query(domain, "InventoryVariantsBySku", Map.of("query", "sku:" + quoted)).map(result -> {
            if (!(result instanceof ShopifyResult.Success ok)) {
                return new Lookup(List.of(), result.message().en());
            }
            List<Variant> matches = new ArrayList<>();
            JsonArray nodes = ok.data().getJsonObject("productVariants", new JsonObject())
                    .getJsonArray("nodes", new JsonArray());
            for (int i = 0; i < nodes.size(); i++) {
                JsonObject node = nodes.getJsonObject(i);
                JsonObject item = node.getJsonObject("inventoryItem");
                if (sku.equals(node.getString("sku")) && item != null) {
                    matches.add(new Variant(node.getString("id"), item.getString("id")));
                }
            }
            return new Lookup(matches, null);
        });
    }

    private static InventoryDtos.ImportRow result(Row row, String outcome, Long mappingId, String detail) {
        return new InventoryDtos.ImportRow(row.row(), row.partnerSku(), row.ownerSku(), outcome, mappingId, detail);
    }

    private static InventoryDtos.ImportReport report(long partnerId, List<InventoryDtos.ImportRow> rows) {
        Map<String, Integer> counts = new HashMap<>();
        rows.forEach(r -> counts.merge(r.result(), 1, Integer::sum));
        Log.infof("Mapping import for partner %d: %d row(s), %s", partnerId, rows.size(), counts);
        return new InventoryDtos.ImportReport(partnerId, rows.size(), counts.getOrDefault("created", 0),
                counts.getOrDefault("duplicate", 0), counts.getOrDefault("not_found", 0),
                counts.getOrDefault("ambiguous", 0), counts.getOrDefault("invalid", 0),
                counts.getOrDefault("failed", 0), rows);
    }

    // --- The file -----------------------------------------------------------------------------

    /** The data rows of a strict UTF-8 CSV with a header naming partner_sku and owner_sku (any order, more columns allowed). */
    static List<Row> parse(byte[] body) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException e) {
            throw new ProblemException(Problem.of(400, "csv-not-utf8", "CSV file is not UTF-8",
                    "The file is not UTF-8; nothing was imported. Save it as UTF-8 (in Excel: \"CSV UTF-8\")."));
        }
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        List<List<String>> records = records(text);
        if (records.isEmpty()) {
            throw ProblemException.badRequest("The CSV file is empty; it needs a header row partner_sku,owner_sku.");
        }
        Map<String, Integer> header = new HashMap<>();
        List<String> names = records.get(0);
        for (int i = 0; i < names.size(); i++) {
            header.putIfAbsent(names.get(i).trim().toLowerCase(Locale.ROOT).replace(' ', '_'), i);
        }
        List<dev.storesync.kernel.Problem.FieldError> missing = new ArrayList<>();
        for (String column : List.of("partner_sku", "owner_sku")) {
            if (!header.containsKey(column)) {
                missing.add(new Problem.FieldError(column, "the header row has no " + column + " column"));
            }
        }
        if (!missing.isEmpty()) {
            throw ProblemException.unprocessable("The CSV header must name partner_sku and owner_sku; nothing was "
                    + "imported.", missing);
        }
        if (records.size() - 1 > MAX_ROWS) {
            throw ProblemException.invalidField("file", "at most " + MAX_ROWS + " rows per file; this one has "
                    + (records.size() - 1) + ". Nothing was imported; split the file.");
        }
        int partnerColumn = header.get("partner_sku");
        int ownerColumn = header.get("owner_sku");
        List<Row> rows = new ArrayList<>();
        for (int i = 1; i < records.size(); i++) {
            List<String> record = records.get(i);
            if (record.size() == 1 && record.get(0).isBlank()) {
                continue;
            }
            rows.add(new Row(i + 1, cell(record, partnerColumn), cell(record, ownerColumn)));
        }
        return rows;
    }

    private static String cell(List<String> record, int column) {
        return column < record.size() ? record.get(column).trim() : "";
    }

    private static List<List<String>> records(String text) {
        List<List<String>> records = new ArrayList<>();
        try (CsvParser parser = CSV.createParser(text)) {
            List<String> record = null;
            while (true) {
                int line = parser.currentLocation().getLineNr();
                JsonToken token;
                try {
                    token = parser.nextToken();
                } catch (JsonProcessingException e) {
                    throw new ProblemException(Problem.of(400, "csv-malformed", "CSV file not readable",
                            "Line " + line + " is not valid CSV: " + e.getOriginalMessage() + ". Nothing was imported."));
                }
                if (token == null) {
                    return records;
                }
                if (token == JsonToken.START_ARRAY) {
                    record = new ArrayList<>();
                } else if (token == JsonToken.VALUE_STRING) {
                    record.add(parser.getText());
                } else if (token == JsonToken.END_ARRAY) {
                    records.add(record);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
