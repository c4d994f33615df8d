package dev.storesync.shops;

import dev.storesync.StoreSyncConfig;
import java.util.Optional;

/** A hand-made crypto configuration, for ciphers other than the application's. */
final class TestCrypto {

    private TestCrypto() {
    }

    static StoreSyncConfig config(String keys, String active) {
        StoreSyncConfig.Crypto crypto = new StoreSyncConfig.Crypto() {
            @Override
            public Optional<String> keys() {
                return Optional.of(keys);
            }

            @Override
            public Optional<String> activeKeyId() {
                return Optional.of(active);
            }
        };
        return new StoreSyncConfig() {
            @Override
            public Security security() {
                return null;
            }

            @Override
            public Crypto crypto() {
                return crypto;
            }

            @Override
            public Shopify shopify() {
                return null;
            }
        };
    }
}
