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

        /**
         * Base of a shop's Admin URLs; {@code {shop}} is replaced by the myshopify domain. Tests and
         * demos point it at the Shopify simulator, e.g. {@code http://127.0.0.1:8999/{shop}}.
         */
        @WithDefault("https://{shop}")
        String adminBaseUrl();

        /** The app's client id (API key) from the Partner/Dev Dashboard. */
        Optional<String> clientId();

        /** The app's client secret: signs webhooks and OAuth callbacks. */
        Optional<String> clientSecret();

        /** The previous client secret, accepted for webhook signatures during a rotation. */
        Optional<String> previousClientSecret();

        /** Access scopes requested at install, comma separated. */
        @WithDefault("read_orders,read_merchant_managed_fulfillment_orders,write_merchant_managed_fulfillment_orders,read_assigned_fulfillment_orders,write_assigned_fulfillment_orders,read_fulfillments,write_fulfillments,read_inventory,write_inventory,read_products,read_shipping")
        String scopes();

        /** Public base URL of this service, for the OAuth redirect and webhook subscriptions. */
        @WithDefault("http://localhost:8080")
        String appUrl();

        /** Admin API client behaviour. */
        Client client();

        interface Client {
            /** Time allowed for one HTTP exchange with Shopify. */
            @WithDefault("10S")
            java.time.Duration requestTimeout();

            /** How many times one call waits out THROTTLED or 429 before giving up as throttled. */
            @WithDefault("6")
            int maxThrottleWaits();

            /** Cost reserved for an operation before its real cost has been seen. */
            @WithDefault("50")
            int defaultQueryCost();

            /**
             * Deadline of one attempt of an Admin API call, waiting for the shop's cost bucket
             * included; past it the attempt is cancelled and never sent.
             */
            /** How long a shop's circuit breaker stays open after Shopify kept failing for that shop. */
            @WithDefault("30S")
            java.time.Duration breakerDelay();

            @WithDefault("30S")
            java.time.Duration callTimeout();

            /** Refresh an expiring access token when it has less than this left. */
            @WithDefault("5M")
            java.time.Duration refreshBeforeExpiry();
        }
    }
}
