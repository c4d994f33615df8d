package dev.storesync;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Optional;

/** Typed StoreSync settings; each key and its environment variable are listed in README.md. */
@ConfigMapping(prefix = "storesync")
public interface StoreSyncConfig {

    Security security();

    Crypto crypto();

    Shopify shopify();

    interface Security {
        /** Admin API key accepted in addition to stored keys, for bootstrapping. Empty disables it. */
        Optional<String> bootstrapAdminKey();
    }

    interface Crypto {
        /** Token encryption keys as {@code id:base64(32 bytes)}, comma separated; old ids stay to decrypt. */
        Optional<String> keys();

        /** Id of the key new tokens are encrypted with. */
        Optional<String> activeKeyId();
    }

    interface Shopify {
        /** Admin API version used in request paths. */
        @WithDefault("2026-10")
        String apiVersion();
    }
}
