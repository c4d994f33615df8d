package dev.storesync.shopify.client;

/** A failure worth retrying: 5xx, timeout, dropped connection. Counted by the circuit breaker. */
class TransientShopifyException extends ShopifyOutageException {

    TransientShopifyException(ShopifyResult.Cause cause, String message, Throwable error) {
        super(cause, message, error);
    }
}
