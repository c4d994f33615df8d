package dev.storesync.security;

import io.quarkus.security.identity.request.BaseAuthenticationRequest;

/** A bearer API key presented by a caller, still to be checked. */
public final class ApiKeyAuthenticationRequest extends BaseAuthenticationRequest {

    private final String key;

    public ApiKeyAuthenticationRequest(String key) {
        this.key = key;
    }

    public String key() {
        return key;
    }

    @Override
    public String toString() {
        return "ApiKeyAuthenticationRequest[key=<redacted>]";
    }
}
