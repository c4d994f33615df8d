package dev.storesync.shopify.client;

/**
 * A transient failure of a call that must not be resent blindly: Shopify may have executed it.
 * Not retried by fault tolerance; the caller re-reads Shopify's state first.
 */
class AmbiguousShopifyException extends ShopifyOutageException {

    AmbiguousShopifyException(ShopifyOutageException cause) {
        super(cause.getMessage(), cause);
    }
}
