package dev.storesync.shipments.csv;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.storesync.kernel.Problem;
import dev.storesync.kernel.ProblemException;
import dev.storesync.shipments.ShipmentDtos;
import dev.storesync.shipments.ShipmentRepository;
import dev.storesync.shipments.ShipmentService;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Path;
import jakarta.validation.Validator;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Imports shipments from CSV. Each group of rows ({@link CsvFile.Group}) is registered through
 * {@link ShipmentService} (same rules, one transaction each); a row the rules reject is reported and
 * left out, the other rows of its shipment still go through. Different orders' shipments are
 * registered concurrently, one order's in file order, all on the event loop.
 *
 * <p>Retries are safe twice over: each shipment is registered under an idempotency key derived from
 * the file and its order and tracking number, so uploading the same file again registers nothing
 * twice; and an upload with an {@code Idempotency-Key} header gets the first upload's stored report.
 * The report always comes back: a shipment whose registration fails unexpectedly only rejects its
 * own rows.
 */
@ApplicationScoped
public class CsvImportService {

    /** Shipments of different orders registered at once by one import. */
    static final int PARALLEL_ORDERS = 8;

    /** Request properties as the file's columns name them. */
    private static final Map<String, String> COLUMNS = Map.of("trackingNumber", "tracking_number", "carrier", "carrier",
            "trackingUrl", "tracking_url", "notifyCustomer", "notify_customer", "lineItemId", "line_item_id",
            "quantity", "quantity");

    /** The report, and whether it is the stored one of an earlier upload with the same Idempotency-Key. */
    public record Outcome(CsvImportReport report, boolean replayed) {
    }

    private record Shipment(List<CsvImportReport.RowResult> results, boolean created) {
    }

    private final Pool pool;
    private final Vertx vertx;
    private final ShipmentService shipments;
    private final ShipmentImports imports;
    private final ShipmentRepository shipmentRows;
    private final Validator validator;
    private final ObjectMapper json;

    public CsvImportService(Pool pool, Vertx vertx, ShipmentService shipments, ShipmentImports imports,
            ShipmentRepository shipmentRows,
            Validator validator, ObjectMapper json) {
        this.pool = pool;
        this.vertx = vertx;
        this.shipments = shipments;
        this.imports = imports;
        this.shipmentRows = shipmentRows;
        this.validator = validator;
        this.json = json;
    }

    public Uni<Outcome> importCsv(byte[] body, ShipmentService.Registrant who, String idempotencyKey) {
        // Decoding and parsing a file of up to the body limit is CPU work: off the event loop.
        return vertx.executeBlocking(Uni.createFrom().item(() -> CsvFile.parse(body)), false)
                .chain(file -> imports.claim(who, idempotencyKey, file.fingerprint()).chain(stored -> {
                    if (!stored.fingerprint().equals(file.fingerprint())) {
                        return Uni.createFrom().failure(new ProblemException(Problem.of(422, "idempotency-key-reused",
                                "Idempotency-Key reused", "This Idempotency-Key was already used for a different file.")));
                    }
                    if (stored.report() != null) {
                        return Uni.createFrom().item(new Outcome(read(stored.report()), true));
                    }
                    // New, or an earlier upload with this key that has not finished: running it (again) is
                    // safe, as every shipment's derived key replays what is already registered.
                    return run(file, stored.id(), who).map(report -> new Outcome(report, false));
                }));
    }

    private Uni<CsvImportReport> run(CsvFile file, long importId, ShipmentService.Registrant who) {
        Map<String, List<CsvFile.Group>> byOrder = new LinkedHashMap<>();
        file.groups().forEach(group -> byOrder.computeIfAbsent(group.orderKey(), k -> new ArrayList<>()).add(group));
        // Each registration locks only its order, so orders go in parallel; one order's shipments go in
        // file order, so earlier rows take the remaining quantities first, as they would one by one.
        return Multi.createFrom().iterable(byOrder.values())
                .onItem().transformToUni(groups -> Multi.createFrom().iterable(groups)
                        .onItem().transformToUniAndConcatenate(group -> register(file, group, importId, who))
                        .collect().asList())
                .merge(PARALLEL_ORDERS)
                .collect().asList()
                .chain(perOrder -> {
                    List<CsvImportReport.RowResult> results = new ArrayList<>(file.rejected());
                    int created = 0;
                    for (List<Shipment> order : perOrder) {
                        for (Shipment shipment : order) {
                            results.addAll(shipment.results());
                            created += shipment.created() ? 1 : 0;
                        }
                    }
                    results.sort(Comparator.comparingInt(CsvImportReport.RowResult::row));
                    int accepted = (int) results.stream().filter(r -> r.shipmentId() != null).count();
                    CsvImportReport report = new CsvImportReport(importId, results.size(), accepted,
                            results.size() - accepted, created, results);
                    return Uni.createFrom().item(() -> write(report)).chain(stored -> imports.complete(report, stored))
                            .onFailure().invoke(e -> Log.errorf(e, "CSV import %d: its report could not be stored", importId))
                            .onFailure().recoverWithNull()
                            .replaceWith(report);
                })
                .invoke(report -> Log.infof("CSV import %d by %s: %d rows, %d accepted, %d shipments created", importId,
                        who.principal(), report.rows(), report.accepted(), report.shipmentsCreated()));
    }

    /** Registers one group of rows; never fails: an unexpected failure rejects the group's rows it had not decided. */
    private Uni<Shipment> register(CsvFile file, CsvFile.Group group, long importId, ShipmentService.Registrant who) {
        Map<Integer, CsvImportReport.RowResult> decided = new TreeMap<>();
        return Uni.createFrom().deferred(() -> resolve(group, who, decided)
                .chain(resolved -> resolved == null ? Uni.createFrom().item(false)
                        : registerLines(file, group, resolved.orderId(), resolved.rowsByLine(), importId, who, decided)))
                .onFailure().recoverWithItem(e -> {
                    String incident = UUID.randomUUID().toString();
                    Log.errorf(e, "CSV import %d: registering order %s, tracking %s failed unexpectedly, incident %s",
                            importId, group.order(), group.tracking(), incident);
                    group.rows().forEach(r -> decided.putIfAbsent(r.row(), CsvImportReport.RowResult.rejected(r.row(),
                            "could not be registered because of an error on our side (incident " + incident
                                    + "); upload the file again to retry it")));
                    return false;
                })
                .map(created -> new Shipment(List.copyOf(decided.values()), created));
    }

    private record Resolved(long orderId, Map<Long, List<CsvFile.Row>> rowsByLine) {
    }

    /** Finds the order and each row's line item; rows that match none (or several) are rejected. */
    private Uni<Resolved> resolve(CsvFile.Group group, ShipmentService.Registrant who,
            Map<Integer, CsvImportReport.RowResult> decided) {
        return pool.preparedQuery("""
                SELECT o.id FROM orders o JOIN shops s ON s.id = o.shop_id
                WHERE (o.name = $1 OR o.name = '#' || $1 OR o.shopify_id::text = $1) AND ($2::text IS NULL OR s.domain = $2)""")
                .execute(Tuple.of(group.order(), group.shop())).chain(orders -> {
                    if (orders.rowCount() != 1) {
                        String reason = orders.rowCount() == 0 ? "order " + group.order() + " not found"
                                : "order " + group.order() + " matches orders of several shops: add a shop column";
                        group.rows().forEach(r -> decided.put(r.row(), CsvImportReport.RowResult.rejected(r.row(), reason)));
                        return Uni.createFrom().nullItem();
                    }
                    long orderId = orders.iterator().next().getLong("id");
                    return pool.preparedQuery("SELECT id, shopify_id, sku, vendor_id FROM order_line_items WHERE order_id = $1")
                            .execute(Tuple.of(orderId)).map(rows -> {
                                List<Row> lines = new ArrayList<>();
                                rows.forEach(lines::add);
                                Map<Long, List<CsvFile.Row>> rowsByLine = new LinkedHashMap<>();
                                for (CsvFile.Row row : group.rows()) {
                                    String problem = match(row, lines, who, rowsByLine);
                                    if (problem != null) {
                                        decided.put(row.row(), CsvImportReport.RowResult.rejected(row.row(), problem));
                                    }
                                }
                                return rowsByLine.isEmpty() ? null : new Resolved(orderId, rowsByLine);
                            });
                });
    }

    /** Adds the row under its line item and answers null, or answers why it has none. */
    private static String match(CsvFile.Row row, List<Row> lines, ShipmentService.Registrant who,
            Map<Long, List<CsvFile.Row>> rowsByLine) {
        List<Row> matches = lines.stream().filter(l -> row.lineItemId() != null
                ? row.lineItemId().equals(l.getLong("shopify_id")) || row.lineItemId().equals(l.getLong("id"))
                : row.sku().equalsIgnoreCase(String.valueOf(l.getString("sku"))))
                .filter(l -> who.vendorId().isEmpty() || row.lineItemId() != null
                        || who.vendorId().get().equals(l.getLong("vendor_id")))
                .toList();
        String what = row.lineItemId() != null ? "line item " + row.lineItemId() : "SKU " + row.sku();
        // A vendor gets one answer for a line that is not in the order and for another vendor's line,
        // as for a registration, so a file cannot probe which line ids exist.
        boolean notTheVendors = matches.size() == 1 && who.vendorId().isPresent()
                && !who.vendorId().get().equals(matches.get(0).getLong("vendor_id"));
        if (who.vendorId().isPresent() && (matches.isEmpty() || notTheVendors)) {
            return what + " is not one of your lines in order " + row.order();
        }
        if (matches.size() != 1) {
            return matches.isEmpty() ? what + " is not in order " + row.order()
                    : what + " matches several lines of order " + row.order() + ": use line_item_id";
        }
        Row line = matches.get(0);
        rowsByLine.computeIfAbsent(line.getLong("id"), k -> new ArrayList<>()).add(row);
        return null;
    }

    /**
     * Registers the group's lines, leaving out the lines the rules reject, under the group's derived
     * idempotency key; a group this file registered before is answered from that shipment.
     */
    private Uni<Boolean> registerLines(CsvFile file, CsvFile.Group group, long orderId,
            Map<Long, List<CsvFile.Row>> rowsByLine, long importId, ShipmentService.Registrant who,
            Map<Integer, CsvImportReport.RowResult> decided) {
        return previous(who.principal(), derivedKey(file, group)).chain(found -> {
            if (found.shipment() != null) {
                Set<Long> registered = Set.copyOf(found.shipment().lineItemIds());
                rowsByLine.forEach((lineId, rows) -> rows.forEach(r -> decided.put(r.row(), registered.contains(lineId)
                        ? CsvImportReport.RowResult.accepted(r.row(), found.shipment().id())
                        : CsvImportReport.RowResult.rejected(r.row(), "left out of shipment " + found.shipment().id()
                                + " when this file was imported before"))));
                return Uni.createFrom().item(false);
            }
            return attempt(group, orderId, rowsByLine, found.key(), importId, who, decided);
        });
    }

    private record Found(String key, ShipmentRepository.Keyed shipment) {
    }

    /**
     * The live shipment registered under {@code key}, or the key to register under. A cancelled one does
     * not count: the rows may be registered again, under a key naming the cancelled shipment.
     */
    private Uni<Found> previous(String principal, String key) {
        return shipmentRows.byIdempotencyKey(pool, principal, key).chain(p -> p == null ? Uni.createFrom().item(new Found(key, null))
                : p.cancelled() ? previous(principal, key + "/after-" + p.id())
                : Uni.createFrom().item(new Found(key, p)));
    }

    private Uni<Boolean> attempt(CsvFile.Group group, long orderId, Map<Long, List<CsvFile.Row>> rowsByLine,
            String key, long importId, ShipmentService.Registrant who, Map<Integer, CsvImportReport.RowResult> decided) {
        if (rowsByLine.isEmpty()) {
            return Uni.createFrom().item(false);
        }
        List<Long> lineIds = new ArrayList<>(rowsByLine.keySet());
        CsvFile.Row first = group.rows().get(0);
        ShipmentDtos.RegisterRequest request = new ShipmentDtos.RegisterRequest(lineIds.stream()
                .map(id -> new ShipmentDtos.LineRequest(id, (int) Math.min(Integer.MAX_VALUE,
                        rowsByLine.get(id).stream().mapToLong(CsvFile.Row::quantity).sum())))
                .toList(), first.tracking(), first.carrier(), first.url(), first.notifyCustomer());
        Set<ConstraintViolation<ShipmentDtos.RegisterRequest>> violations = validator.validate(request);
        if (!violations.isEmpty()) {
            List<String> whole = new ArrayList<>();
            Map<Integer, String> byLine = new TreeMap<>();
            for (ConstraintViolation<ShipmentDtos.RegisterRequest> v : violations) {
                Integer index = lineIndex(v.getPropertyPath());
                if (index != null) {
                    byLine.merge(index, describe(v, group, request), (a, b) -> a + "; " + b);
                } else {
                    whole.add(describe(v, group, request));
                }
            }
            if (!whole.isEmpty()) {
                String reason = String.join("; ", whole.stream().sorted().toList());
                rowsByLine.values().forEach(rows -> rows.forEach(
                        r -> decided.put(r.row(), CsvImportReport.RowResult.rejected(r.row(), reason))));
                return Uni.createFrom().item(false);
            }
            byLine.forEach((index, message) -> rowsByLine.remove(lineIds.get(index)).forEach(
                    r -> decided.put(r.row(), CsvImportReport.RowResult.rejected(r.row(), message))));
            return attempt(group, orderId, rowsByLine, key, importId, who, decided);
        }
        return shipments.register(orderId, request, who, key)
                .chain(registered -> {
                    long shipmentId = registered.shipment().id();
                    rowsByLine.values().forEach(rows -> rows.forEach(
                            r -> decided.put(r.row(), CsvImportReport.RowResult.accepted(r.row(), shipmentId))));
                    // The shipment is registered whatever happens to its tag; losing the tag only leaves it
                    // out of the import's retry-failed.
                    return shipmentRows.tagImport(shipmentId, importId)
                            .onFailure().invoke(e -> Log.warnf(e, "CSV import %d: shipment %d not tagged", importId, shipmentId))
                            .onFailure().recoverWithNull()
                            .replaceWith(!registered.replayed());
                })
                .onFailure(ShipmentService.InvalidLinesException.class).recoverWithUni(e -> {
                    for (ShipmentService.LineError error : ((ShipmentService.InvalidLinesException) e).lineErrors()) {
                        List<CsvFile.Row> rows = rowsByLine.remove(lineIds.get(error.index()));
                        if (rows != null) {
                            rows.forEach(r -> decided.put(r.row(), CsvImportReport.RowResult.rejected(r.row(), error.message())));
                        }
                    }
                    return attempt(group, orderId, rowsByLine, key, importId, who, decided);
                })
                .onFailure(e -> e instanceof ProblemException && !(e instanceof ShipmentService.InvalidLinesException))
                .recoverWithItem(e -> {
                    String reason = ((ProblemException) e).problem().detail();
                    rowsByLine.values().forEach(rows -> rows.forEach(
                            r -> decided.put(r.row(), CsvImportReport.RowResult.rejected(r.row(), reason))));
                    return false;
                });
    }

    /** The index into {@code lines} a violation is about, or null when it is about the whole shipment. */
    private static Integer lineIndex(Path path) {
        boolean inLines = false;
        for (Path.Node node : path) {
            if (node.getIndex() != null && inLines) {
                return node.getIndex();
            }
            inLines = inLines || "lines".equals(node.getName());
        }
        return null;
    }

    /** The violation in the file's words: the CSV column, or the shipment's number of lines. */
    private static String describe(ConstraintViolation<ShipmentDtos.RegisterRequest> v, CsvFile.Group group,
            ShipmentDtos.RegisterRequest request) {
        String property = null;
        for (Path.Node node : v.getPropertyPath()) {
            property = node.getName();
        }
        if ("lines".equals(property)) {
            return "a shipment can have at most 250 lines, but order " + group.order() + " with tracking number "
                    + group.tracking() + " has " + request.lines().size() + ": split them over several tracking numbers";
        }
        return COLUMNS.getOrDefault(property, property) + " " + v.getMessage();
    }

    /** The group's key: this file, this order and tracking number; scoped to the principal like any Idempotency-Key. */
    private static String derivedKey(CsvFile file, CsvFile.Group group) {
        String identity = file.fingerprint() + "\n" + Optional.ofNullable(group.shop()).orElse("") + "\n" + group.order()
                + "\n" + group.tracking();
        try {
            return "csv:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(identity.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private String write(CsvImportReport report) {
        try {
            return json.writeValueAsString(report);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("CSV report not serialisable", e);
        }
    }

    private CsvImportReport read(String stored) {
        try {
            return json.readValue(stored, CsvImportReport.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Stored CSV report not readable", e);
        }
    }
}
