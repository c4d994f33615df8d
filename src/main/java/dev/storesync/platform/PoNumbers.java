package dev.storesync.platform;

import java.text.Normalizer;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The one rule that turns a PO number as people and carriers type it into the key stored in
 * {@code purchase_orders.po_number}, so a carrier's shipment reference matches on equality:
 * <ol>
 * <li>NFKC (full-width {@code ＰＯ１６４－１} becomes {@code PO164-1}), trim, upper-case;</li>
 * <li>a leading {@code #}, and a leading {@code PO} followed by a separator, a digit or nothing, are dropped
 * ({@code PO}-prefixed words such as {@code POLO-1} are kept);</li>
 * <li>spaces are removed; {@code _ / . – —} and the like become {@code -}; runs of {@code -} collapse,
 * and {@code -} at either end is dropped.</li>
 * </ol>
 * Examples: {@code po 164-1}, {@code PO#164-1}, {@code #164-1}, {@code 164 - 1}, {@code PO-164_1} →
 * {@code 164-1}.
 */
public final class PoNumbers {

    private static final Pattern LEADING_PO = Pattern.compile("^#*\\s*PO(?=[\\s#:.\\-_/]|\\d|$)[\\s#:.\\-_/]*");
    private static final Pattern SEPARATORS = Pattern.compile("[_/.\\u2010-\\u2015\\u2212\\uFF0D]+");
    private static final Pattern DASHES = Pattern.compile("-{2,}");

    private PoNumbers() {
    }

    /** The normalised PO number, or empty when nothing of a PO number is left. */
    public static Optional<String> normalize(String raw) {
        if (raw == null) {
            return Optional.empty();
        }
        String s = Normalizer.normalize(raw, Normalizer.Form.NFKC).strip().toUpperCase(java.util.Locale.ROOT);
        s = LEADING_PO.matcher(s).replaceFirst("");
        s = s.replaceAll("^#+", "");
        s = s.replaceAll("\\s+", "");
        s = SEPARATORS.matcher(s).replaceAll("-");
        s = DASHES.matcher(s).replaceAll("-");
        s = s.replaceAll("^-+|-+$", "");
        return s.isEmpty() ? Optional.empty() : Optional.of(s);
    }
}
