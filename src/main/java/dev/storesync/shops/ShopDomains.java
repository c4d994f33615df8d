package dev.storesync.shops;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/** The one rule for shop domains: a {@code *.myshopify.com} host name, nothing else. */
public final class ShopDomains {

    private static final Pattern MYSHOPIFY = Pattern.compile("^[a-z0-9][a-z0-9-]*\\.myshopify\\.com$");

    private ShopDomains() {
    }

    /** The normalised domain, or empty when the input is not a myshopify domain. */
    public static Optional<String> normalise(String raw) {
        if (raw == null) {
            return Optional.empty();
        }
        String domain = raw.trim().toLowerCase(Locale.ROOT);
        return domain.length() <= 255 && MYSHOPIFY.matcher(domain).matches() ? Optional.of(domain) : Optional.empty();
    }
}
