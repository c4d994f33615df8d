package dev.storesync.platform;

import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which platform orders StoreSync shows, by {@code status.approval.value}: {@code approved} is in;
 * {@code pending_approval}, {@code pending_prepayment} and {@code rejected} are out; any other value
 * (a missing one too) is in, and logged once per value and replica at WARN, so someone looks at
 * what the platform started sending.
 */
@ApplicationScoped
public class ApprovalFilter {

    static final String APPROVED = "approved";
    static final Set<String> OUT = Set.of("pending_approval", "pending_prepayment", "rejected");

    private final Set<String> warned = ConcurrentHashMap.newKeySet();

    /** True when the order is shown. */
    public boolean includes(String approval) {
        String value = approval == null ? null : approval.strip().toLowerCase(Locale.ROOT);
        if (APPROVED.equals(value)) {
            return true;
        }
        if (value != null && OUT.contains(value)) {
            return false;
        }
        String key = value == null ? "(none)" : value;
        if (warned.add(key)) {
            Log.warnf("Platform order approval value %s is unknown: such orders are synced as approved; "
                    + "check what it means", value == null ? "(missing)" : "'" + approval + "'");
        }
        return true;
    }
}
