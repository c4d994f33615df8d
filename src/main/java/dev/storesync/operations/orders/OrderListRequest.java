package dev.storesync.operations.orders;

import dev.storesync.kernel.ProblemException;
import dev.storesync.shops.ShopDomains;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The validated query of {@code GET /sync/orders}. Every malformed value is a 422 naming its
 * parameter; nothing is silently clipped or ignored.
 */
public record OrderListRequest(Tab tab, int pageSize, long offset, boolean previous, String status, String priority,
        String assignedTo, Instant createdFrom, Instant createdBefore, String shopDomain) {

    /** The list's tabs: returns = an open return, support = a support thread, assigned = has an assignee. */
    public enum Tab {
        ALL, UNFULFILLED, TRACKING_PENDING, DELAYED, RETURNS, SUPPORT, ASSIGNED
    }

    public static final int DEFAULT_PAGE_SIZE = 25;
    public static final int MAX_PAGE_SIZE = 100;

    /** The fulfillment statuses a {@code status} filter may name (Shopify's, plus {@code cancelled}). */
    public static final List<String> STATUSES = List.of("unfulfilled", "partially_fulfilled", "fulfilled", "restocked",
            "on_hold", "in_progress", "scheduled", "open", "cancelled");
    public static final List<String> PRIORITIES = List.of("urgent", "high", "normal");

    private static final Pattern OFFSET_CURSOR = Pattern.compile("^ofs:[0-9a-z]{1,12}$");

    public static OrderListRequest parse(String tab, String pageSize, String cursor, String direction, String status,
            String priority, String assignedTo, String dateStart, String dateEnd, String shopDomain) {
        Tab t = tab == null ? Tab.ALL : parseTab(tab);
        int size = parsePageSize(pageSize, "pageSize", DEFAULT_PAGE_SIZE);
        long offset = cursor == null ? 0 : parseOffset(cursor);
        boolean previous = parseDirection(direction);
        if (status != null && !STATUSES.contains(status)) {
            throw ProblemException.invalidField("status", "must be one of " + String.join(", ", STATUSES));
        }
        if (priority != null && !PRIORITIES.contains(priority)) {
            throw ProblemException.invalidField("priority", "must be one of " + String.join(", ", PRIORITIES));
        }
        if (assignedTo != null && (assignedTo.isBlank() || assignedTo.length() > 200)) {
            throw ProblemException.invalidField("assigned_to", "must be an assignee name of 1 to 200 characters");
        }
        Instant from = dateStart == null ? null : parseDate(dateStart, "date_start", false);
        Instant before = dateEnd == null ? null : parseDate(dateEnd, "date_end", true);
        if (from != null && before != null && !from.isBefore(before)) {
            throw ProblemException.invalidField("date_end", "must not be before date_start");
        }
        String shop = shopDomain == null ? null : ShopDomains.normalise(shopDomain)
                .orElseThrow(() -> ProblemException.invalidField("shop_domain", "must be a *.myshopify.com domain"));
        return new OrderListRequest(t, size, offset, previous, status, priority, assignedTo, from, before, shop);
    }

    /** {@code pageSize} (or another name) as 1 to {@link #MAX_PAGE_SIZE}; over the cap is refused, not clipped. */
    static int parsePageSize(String raw, String name, int fallback) {
        if (raw == null) {
            return fallback;
        }
        int size;
        try {
            size = Integer.parseInt(raw.trim());
        } catch (NumberFormatException e) {
            throw ProblemException.invalidField(name, "must be an integer from 1 to " + MAX_PAGE_SIZE);
        }
        if (size < 1 || size > MAX_PAGE_SIZE) {
            throw ProblemException.invalidField(name, "must be from 1 to " + MAX_PAGE_SIZE + " (got " + size + ")");
        }
        return size;
    }

    /** The cursor of the page that starts (direction next) or ends (direction prev) at {@code offset}. */
    public static String cursor(long offset) {
        return "ofs:" + Long.toString(offset, 36);
    }

    private static Tab parseTab(String raw) {
        for (Tab t : Tab.values()) {
            if (t.name().toLowerCase(Locale.ROOT).equals(raw)) {
                return t;
            }
        }
        throw ProblemException.invalidField("tab",
                "must be one of all, unfulfilled, tracking_pending, delayed, returns, support, assigned");
    }

    private static long parseOffset(String raw) {
        if (!OFFSET_CURSOR.matcher(raw).matches()) {
            throw ProblemException.invalidField("cursor", "must be ofs:<base36 offset>, as nextCursor or prevCursor gave it");
        }
        long offset = Long.parseLong(raw.substring(4), 36);
        if (offset > Integer.MAX_VALUE) {
            throw ProblemException.invalidField("cursor", "offset is too large");
        }
        return offset;
    }

    private static boolean parseDirection(String raw) {
        if (raw == null || raw.equals("next")) {
            return false;
        }
        if (raw.equals("prev")) {
            return true;
        }
        throw ProblemException.invalidField("direction", "must be next or prev");
    }

    // A date (YYYY-MM-DD, UTC) or an ISO-8601 instant with offset; a date_end date includes its whole day.
    private static Instant parseDate(String raw, String name, boolean endOfDay) {
        try {
            if (raw.length() == 10) {
                LocalDate day = LocalDate.parse(raw);
                return (endOfDay ? day.plusDays(1) : day).atStartOfDay().toInstant(ZoneOffset.UTC);
            }
            return OffsetDateTime.parse(raw).toInstant();
        } catch (DateTimeParseException e) {
            throw ProblemException.invalidField(name, "must be a date (2026-11-01) or a timestamp with offset (2026-11-01T09:00:00Z)");
        }
    }
}
