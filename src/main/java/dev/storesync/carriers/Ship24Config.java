package dev.storesync.carriers;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Optional;

/** Ship24 carrier tracking settings; environment variables are {@code STORESYNC_SHIP24_*}. */
@ConfigMapping(prefix = "storesync.ship24")
public interface Ship24Config {

    /**
     * The webhook secret Ship24 shows in its dashboard and sends as {@code Authorization: Bearer <secret>}.
     * Unset: every Ship24 webhook is refused with 401.
     */
    Optional<String> webhookSecret();

    /**
     * Where in a tracking update the PO number is read, as a dotted path from the update's root
     * ({@code tracker.shipmentReference} by default; e.g. {@code tracker.clientTrackerId}).
     */
    @WithDefault("tracker.shipmentReference")
    String referenceField();
}
