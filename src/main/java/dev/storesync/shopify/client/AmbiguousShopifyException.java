package dev.storesync.shopify.client;

/**
 * A transient failure of a call that must not be resent blindly: Shopify may have executed it.
 * Not retried by fault tolerance; the caller re-reads Shopify's state first. It deliberately has no
 * cause: SmallRye Fault Tolerance inspects cause chains, and a {@link TransientShopifyException}
 * cause would make it retry the call after all.
 */
class AmbiguousShopifyException extends ShopifyOutageException {

    AmbiguousShopifyException(ShopifyOutageException transientFailure) {
        super(transientFailure.cause(), transientFailure.getMessage(), null);
    }
}
