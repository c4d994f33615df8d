package dev.storesync.shopify.client;

/**
 * Shopify did not answer usably; what the circuit breaker counts. The message is technical (for
 * the log); {@link #cause()} is what people are told.
 */
class ShopifyOutageException extends RuntimeException {

    private final ShopifyResult.Cause cause;

    ShopifyOutageException(ShopifyResult.Cause cause, String message, Throwable error) {
        super(message, error, false, false);
        this.cause = cause;
    }

    ShopifyResult.Cause cause() {
        return cause;
    }
}
