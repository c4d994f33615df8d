package dev.storesync.shipments.csv;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.csv.CsvFactory;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import dev.storesync.kernel.Problem;
import dev.storesync.kernel.ProblemException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * An uploaded shipment CSV, read whole: strict UTF-8 (an optional BOM is dropped), RFC 4180 quoting
 * by Jackson's CSV parser, a header naming the columns. A file that cannot be read as a whole (not
 * UTF-8, a quote never closed, no usable header) is refused with a 400 naming where; a row that
 * cannot be a shipment row is rejected on its own. Rows with the same shop, order and tracking number
 * form one shipment ({@link Group}), in file order.
 *
 * @param fingerprint SHA-256 of the uploaded bytes
 * @param rejected    rows refused while reading, each with its reason
 * @param groups      the other rows, grouped into shipments
 */
record CsvFile(String fingerprint, List<CsvImportReport.RowResult> rejected, List<Group> groups) {

    private static final CsvFactory CSV = new CsvFactory();

    /** One CSV data row. Row 1 is the header, so data starts at row 2. */
    record Row(int row, String shop, String order, Long lineItemId, String sku, int quantity, String tracking,
            String carrier, String url, Boolean notifyCustomer) {
    }

    /** The rows of one shipment: same shop column, order and tracking number. */
    record Group(String shop, String order, String tracking, List<Row> rows) {

        /** Shipments of one order are registered one after the other; this names the order. */
        String orderKey() {
            return shop + "\u0000" + order;
        }
    }

    static CsvFile parse(byte[] body) {
        List<List<String>> records = records(decode(body));
        if (records.isEmpty()) {
            throw ProblemException.badRequest("The CSV file is empty; it needs a header row.");
        }
        Map<String, Integer> header = header(records.get(0));
        List<CsvImportReport.RowResult> rejected = new ArrayList<>();
        Map<String, Group> groups = new LinkedHashMap<>();
        for (int i = 1; i < records.size(); i++) {
            List<String> record = records.get(i);
            int rowNo = i + 1;
            if (record.size() == 1 && record.get(0).isBlank()) {
                continue;
            }
            try {
                Row row = row(rowNo, record, header);
                groups.computeIfAbsent(row.shop() + "\u0000" + row.order() + "\u0000" + row.tracking(),
                        k -> new Group(row.shop(), row.order(), row.tracking(), new ArrayList<>())).rows().add(row);
            } catch (IllegalArgumentException e) {
                rejected.add(CsvImportReport.RowResult.rejected(rowNo, e.getMessage()));
            }
        }
        return new CsvFile(sha256(body), rejected, List.copyOf(groups.values()));
    }

    /** The text of a UTF-8 file; anything else is refused with the offset of the first byte that is not UTF-8. */
    static String decode(byte[] body) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(body);
        // UTF-8 never decodes to more chars than it has bytes.
        CharBuffer out = CharBuffer.allocate(body.length);
        CoderResult result = decoder.decode(in, out, true);
        if (!result.isError()) {
            result = decoder.flush(out);
        }
        if (result.isError()) {
            int offset = in.position();
            int line = 1;
            for (int i = 0; i < offset; i++) {
                if (body[i] == '\n') {
                    line++;
                }
            }
            throw new ProblemException(Problem.of(400, "csv-not-utf8", "CSV file is not UTF-8", String.format(
                    "The file is not UTF-8: byte 0x%02X at byte offset %d (line %d) is not valid UTF-8. Nothing was "
                            + "imported. Save the file as UTF-8 (in Excel: \"CSV UTF-8\") and upload it again.",
                    body[offset] & 0xFF, offset, line)));
        }
        out.flip();
        String text = out.toString();
        return text.startsWith("\uFEFF") ? text.substring(1) : text;
    }

    /** Every record of the file, in order; a blank line is a record of one empty field. */
    static List<List<String>> records(String text) {
        List<List<String>> records = new ArrayList<>();
        try (CsvParser parser = CSV.createParser(text)) {
            List<String> record = null;
            while (true) {
                int line = parser.currentLocation().getLineNr();
                JsonToken token;
                try {
                    token = parser.nextToken();
                } catch (JsonProcessingException e) {
                    throw malformed(line, e);
                }
                if (token == null) {
                    return records;
                }
                switch (token) {
                    case START_ARRAY -> record = new ArrayList<>();
                    case VALUE_STRING -> record.add(parser.getText());
                    case END_ARRAY -> records.add(record);
                    default -> throw new IllegalStateException("CSV parser token " + token);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ProblemException malformed(int line, JsonProcessingException e) {
        String detail = String.valueOf(e.getOriginalMessage()).startsWith("Missing closing quote")
                ? "Line " + line + ": a quoted value starts on this line but its closing quote is missing, so the "
                        + "rest of the file would be read as one value. Nothing was imported."
                : "Line " + line + " is not valid CSV: " + e.getOriginalMessage()
                        + ". Nothing was imported.";
        return new ProblemException(Problem.of(400, "csv-malformed", "CSV file not readable", detail));
    }

    private static Map<String, Integer> header(List<String> record) {
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

    private static Row row(int rowNo, List<String> record, Map<String, Integer> header) {
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
        return new Row(rowNo, field(record, header, "shop"), order, lineItemId, sku, qty, tracking,
                field(record, header, "carrier"), url,
                notify == null ? null : List.of("true", "yes", "1").contains(notify.toLowerCase(Locale.ROOT)));
    }

    private static String field(List<String> record, Map<String, Integer> header, String column) {
        Integer index = header.get(column);
        if (index == null || index >= record.size()) {
            return null;
        }
        String raw = record.get(index);
        // PostgreSQL text cannot hold U+0000; trimming would also hide one at either end.
        if (raw.indexOf('\u0000') >= 0) {
            throw new IllegalArgumentException(column + " contains a NUL character (U+0000), which cannot be stored");
        }
        String value = raw.trim();
        return value.isEmpty() ? null : value;
    }

    private static String sha256(byte[] body) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
