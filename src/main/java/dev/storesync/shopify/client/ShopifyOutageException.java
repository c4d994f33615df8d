package dev.storesync.shopify.client;

/** Shopify did not answer usably; what the circuit breaker counts. */
class ShopifyOutageException extends RuntimeException {

    ShopifyOutageException(String message, Throwable cause) {
        super(message, cause, false, false);
    }
}
