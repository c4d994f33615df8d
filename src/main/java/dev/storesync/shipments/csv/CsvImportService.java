package dev.storesync.shipments.csv;

import dev.storesync.kernel.Problem;
import dev.storesync.kernel.ProblemException;
import dev.storesync.shipments.ShipmentDtos;
import dev.storesync.shipments.ShipmentService;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.Reader;
import java.time.Duration;
import jakarta.annotation.PreDestroy;
import java.util.ArrayList;
import java.util.Collections;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Imports shipments from CSV, streamed record by record. Rows with the same order and tracking
 * number form one shipment, registered through {@link ShipmentService} (same rules, one
 * transaction each). A row the rules reject is reported and left out; the other rows of its
 * shipment still go through, so a bad row never blocks good ones and nothing is half-applied.
 * Runs on a worker thread: it reads a blocking upload stream.
 */
@ApplicationScoped
public class CsvImportService {

    private static final Duration STEP_TIMEOUT = Duration.ofSeconds(30);
    /** Shared by all imports, so concurrent uploads cannot exhaust the database pool. */
    private static final int PARALLEL_REGISTRATIONS = 8;
    private static final Pattern LINE_FIELD = Pattern.compile("^lines\\[(\\d+)]");

    private final Pool pool;
    private final ShipmentService shipments;
    private final ExecutorService registrar = Executors.newFixedThreadPool(PARALLEL_REGISTRATIONS, runnable -> {
        Thread thread = new Thread(runnable, "csv-import-registrar");
        thread.setDaemon(true);
        return thread;
    });

    public CsvImportService(Pool pool, ShipmentService shipments) {
        this.pool = pool;
        this.shipments = shipments;
    }

    @PreDestroy
    void stop() {
        registrar.shutdownNow();
    }

    private record CsvRow(int row, String shop, String order, Long lineItemId, String sku, int quantity, String tracking,
            String carrier, String url, Boolean notifyCustomer) {
    }

    public CsvImportReport importCsv(Reader input, ShipmentService.Registrant who) throws IOException {
        CsvReader reader = new CsvReader(input);
        Map<String, Integer> header = header(reader.next());
        List<CsvImportReport.RowResult> results = Collections.synchronizedList(new ArrayList<>());
        Map<String, List<CsvRow>> groups = new LinkedHashMap<>();
        int rowNo = 1;
        for (List<String> record = reader.next(); record != null; record = reader.next()) {
            rowNo++;
            if (record.size() == 1 && record.get(0).isBlank()) {
                continue;
            }
            try {
                CsvRow row = parse(rowNo, record, header);
                groups.computeIfAbsent(row.shop() + "\u0000" + row.order() + "\u0000" + row.tracking(), k -> new ArrayList<>()).add(row);
            } catch (IllegalArgumentException e) {
                results.add(CsvImportReport.RowResult.rejected(rowNo, e.getMessage()));
            }
        }
        // Different orders are registered in parallel (bounded): each registration locks only its order
        // and spends most of its time on database round trips. One order's shipments go in file order,
        // so earlier rows take the remaining quantities first, as they would one by one.
        Map<String, List<List<CsvRow>>> byOrder = new LinkedHashMap<>();
        groups.values().forEach(group -> byOrder.computeIfAbsent(group.get(0).shop() + "\u0000" + group.get(0).order(),
                k -> new ArrayList<>()).add(group));
        List<CompletableFuture<Integer>> registrations = new ArrayList<>();
        for (List<List<CsvRow>> orderGroups : byOrder.values()) {
            registrations.add(CompletableFuture.supplyAsync(
                    () -> orderGroups.stream().mapToInt(group -> register(group, who, results)).sum(), registrar));
        }
        int created = registrations.stream().mapToInt(CompletableFuture::join).sum();
        results.sort(Comparator.comparingInt(CsvImportReport.RowResult::row));
        long accepted = results.stream().filter(r -> r.status().equals("accepted")).count();
        return new CsvImportReport(results.size(), (int) accepted, results.size() - (int) accepted, created, results);
    }

    private int register(List<CsvRow> group, ShipmentService.Registrant who, List<CsvImportReport.RowResult> results) {
        CsvRow first = group.get(0);
        List<Row> orders = await(pool.preparedQuery("""
                SELECT o.id FROM orders o JOIN shops s ON s.id = o.shop_id
                WHERE (o.name = $1 OR o.name = '#' || $1 OR o.shopify_id::text = $1) AND ($2::text IS NULL OR s.domain = $2)""")
                .execute(Tuple.of(first.order(), first.shop())).map(CsvImportService::rows));
        if (orders.size() != 1) {
            String reason = orders.isEmpty() ? "order " + first.order() + " not found"
                    : "order " + first.order() + " matches orders of several shops: add a shop column";
            group.forEach(r -> results.add(CsvImportReport.RowResult.rejected(r.row(), reason)));
            return 0;
        }
        long orderId = orders.get(0).getLong("id");
        List<Row> lines = await(pool.preparedQuery("SELECT id, shopify_id, sku, vendor_id FROM order_line_items WHERE order_id = $1")
                .execute(Tuple.of(orderId)).map(CsvImportService::rows));
        Map<Long, List<CsvRow>> rowsByLine = new LinkedHashMap<>();
        for (CsvRow row : group) {
            List<Row> matches = lines.stream().filter(l -> row.lineItemId() != null
                    ? row.lineItemId().equals(l.getLong("shopify_id")) || row.lineItemId().equals(l.getLong("id"))
                    : row.sku().equalsIgnoreCase(String.valueOf(l.getString("sku"))))
                    .filter(l -> who.vendorId().isEmpty() || row.lineItemId() != null
                            || who.vendorId().get().equals(l.getLong("vendor_id")))
                    .toList();
            if (matches.size() != 1) {
                String what = row.lineItemId() != null ? "line item " + row.lineItemId() : "SKU " + row.sku();
                results.add(CsvImportReport.RowResult.rejected(row.row(), matches.isEmpty() ? what + " is not in order "
                        + row.order() : what + " matches several lines of order " + row.order() + ": use line_item_id"));
                continue;
            }
            Row line = matches.get(0);
            if (who.vendorId().isPresent() && !who.vendorId().get().equals(line.getLong("vendor_id"))) {
                results.add(CsvImportReport.RowResult.rejected(row.row(), "line item " + line.getLong("shopify_id")
                        + " belongs to another vendor"));
                continue;
            }
            rowsByLine.computeIfAbsent(line.getLong("id"), k -> new ArrayList<>()).add(row);
        }
        while (!rowsByLine.isEmpty()) {
            List<Long> lineIds = new ArrayList<>(rowsByLine.keySet());
            List<ShipmentDtos.LineRequest> requested = lineIds.stream().map(id -> new ShipmentDtos.LineRequest(id,
                    rowsByLine.get(id).stream().mapToInt(CsvRow::quantity).sum())).toList();
            ShipmentDtos.RegisterRequest request = new ShipmentDtos.RegisterRequest(requested, first.tracking(),
                    first.carrier(), first.url(), first.notifyCustomer());
            try {
                long shipmentId = await(shipments.register(orderId, request, who, null)).shipment().id();
                rowsByLine.values().forEach(rows -> rows.forEach(
                        r -> results.add(CsvImportReport.RowResult.accepted(r.row(), shipmentId))));
                return 1;
            } catch (ProblemException e) {
                Problem problem = e.problem();
                List<Integer> bad = new ArrayList<>();
                for (Problem.FieldError error : problem.errors() == null ? List.<Problem.FieldError>of() : problem.errors()) {
                    Matcher m = LINE_FIELD.matcher(error.field());
                    if (m.find()) {
                        int index = Integer.parseInt(m.group(1));
                        bad.add(index);
                        rowsByLine.get(lineIds.get(index)).forEach(
                                r -> results.add(CsvImportReport.RowResult.rejected(r.row(), error.message())));
                    }
                }
                if (bad.isEmpty()) {
                    rowsByLine.values().forEach(rows -> rows.forEach(
                            r -> results.add(CsvImportReport.RowResult.rejected(r.row(), problem.detail()))));
                    return 0;
                }
                bad.forEach(index -> rowsByLine.remove(lineIds.get(index)));
            }
        }
        return 0;
    }

    private static Map<String, Integer> header(List<String> record) {
        if (record == null) {
            throw ProblemException.badRequest("The CSV file is empty; it needs a header row.");
        }
        Map<String, Integer> columns = new HashMap<>();
        for (int i = 0; i < record.size(); i++) {
            String name = record.get(i).trim().toLowerCase(Locale.ROOT).replace(' ', '_');
            columns.putIfAbsent(switch (name) {
                case "order_name", "order_id", "order_number", "order" -> "order";
                case "line_item", "line_item_id" -> "line_item_id";
                case "tracking", "tracking_no", "tracking_number" -> "tracking_number";
                case "qty", "quantity" -> "quantity";
                default -> name;
            }, i);
        }
        List<String> missing = new ArrayList<>();
        for (String required : List.of("order", "quantity", "tracking_number")) {
            if (!columns.containsKey(required)) {
                missing.add(required);
            }
        }
        if (!columns.containsKey("line_item_id") && !columns.containsKey("sku")) {
            missing.add("line_item_id or sku");
        }
        if (!missing.isEmpty()) {
            throw ProblemException.badRequest("The CSV header lacks column(s): " + String.join(", ", missing)
                    + ". Expected: order, line_item_id or sku, quantity, tracking_number, carrier, tracking_url.");
        }
        return columns;
    }

    private static CsvRow parse(int rowNo, List<String> record, Map<String, Integer> header) {
        String order = field(record, header, "order");
        String tracking = field(record, header, "tracking_number");
        String lineItem = field(record, header, "line_item_id");
        String sku = field(record, header, "sku");
        String quantity = field(record, header, "quantity");
        if (order == null) {
            throw new IllegalArgumentException("order is empty");
        }
        if (tracking == null) {
            throw new IllegalArgumentException("tracking_number is empty");
        }
        if (lineItem == null && sku == null) {
            throw new IllegalArgumentException("line_item_id and sku are both empty");
        }
        Long lineItemId = null;
        if (lineItem != null) {
            try {
                lineItemId = Long.valueOf(lineItem.replaceAll("^gid://shopify/LineItem/", ""));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("line_item_id '" + lineItem + "' is not a number");
            }
        }
        int qty;
        try {
            qty = Integer.parseInt(quantity == null ? "" : quantity);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("quantity '" + quantity + "' is not a whole number");
        }
        if (qty < 1) {
            throw new IllegalArgumentException("quantity must be at least 1");
        }
        String url = field(record, header, "tracking_url");
        if (url != null && !url.matches("https?://\\S+")) {
            throw new IllegalArgumentException("tracking_url must be an http(s) URL");
        }
        String notify = field(record, header, "notify_customer");
        return new CsvRow(rowNo, field(record, header, "shop"), order, lineItemId, sku, qty, tracking,
                field(record, header, "carrier"), url,
                notify == null ? null : List.of("true", "yes", "1").contains(notify.toLowerCase(Locale.ROOT)));
    }

    private static String field(List<String> record, Map<String, Integer> header, String column) {
        Integer index = header.get(column);
        if (index == null || index >= record.size()) {
            return null;
        }
        String value = record.get(index).trim();
        return value.isEmpty() ? null : value;
    }

    private static List<Row> rows(io.vertx.mutiny.sqlclient.RowSet<Row> set) {
        List<Row> out = new ArrayList<>();
        set.forEach(out::add);
        return out;
    }

    private static <T> T await(io.smallrye.mutiny.Uni<T> uni) {
        return uni.await().atMost(STEP_TIMEOUT);
    }
}
