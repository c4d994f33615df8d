package dev.storesync.shopify.sim;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

/**
 * A small part of Shopify's search syntax: space-separated {@code field:value} terms, all of which
 * must match, with {@code > >= < <=} before the value for dates and numbers, e.g.
 * {@code updated_at:>'2026-11-01T00:00:00Z' sku:ABC-1}. Unknown fields are ignored, as Shopify
 * ignores filters it does not support.
 */
final class SearchQuery {

    private record Term(String field, String operator, String value) {
    }

    private final List<Term> terms = new ArrayList<>();

    SearchQuery(String query) {
        if (query == null) {
            return;
        }
        for (String token : query.trim().split("\\s+")) {
            int colon = token.indexOf(':');
            if (colon <= 0 || token.equalsIgnoreCase("AND")) {
                continue;
            }
            String field = token.substring(0, colon).toLowerCase(java.util.Locale.ROOT);
            String rest = token.substring(colon + 1);
            String operator = rest.startsWith(">=") || rest.startsWith("<=") ? rest.substring(0, 2)
                    : rest.startsWith(">") || rest.startsWith("<") ? rest.substring(0, 1) : "=";
            String value = rest.substring(operator.equals("=") ? 0 : operator.length()).replaceAll("^['\"]|['\"]$", "");
            terms.add(new Term(field, operator, value));
        }
    }

    /** True when every supported term matches; {@code valueOf} returns null for unknown fields. */
    <T> boolean matches(T item, BiFunction<T, String, Object> valueOf) {
        for (Term term : terms) {
            Object actual = valueOf.apply(item, term.field());
            if (actual == null) {
                continue;
            }
            int comparison;
            if (actual instanceof Instant instant) {
                comparison = instant.compareTo(parseInstant(term.value()));
            } else if (actual instanceof Number number) {
                comparison = Long.compare(number.longValue(), Long.parseLong(term.value()));
            } else {
                comparison = actual.toString().equalsIgnoreCase(term.value()) ? 0 : 1;
                if (!term.operator().equals("=")) {
                    continue;
                }
            }
            boolean ok = switch (term.operator()) {
                case ">" -> comparison > 0;
                case ">=" -> comparison >= 0;
                case "<" -> comparison < 0;
                case "<=" -> comparison <= 0;
                default -> comparison == 0;
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static Instant parseInstant(String value) {
        return value.length() == 10 ? LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant()
                : java.time.OffsetDateTime.parse(value).toInstant();
    }
}
