package dev.storesync.shops;

import java.time.Instant;

/** Tokens as Shopify granted them (after install or a refresh). Never logged. */
public record TokenGrant(String accessToken, Instant accessTokenExpiresAt, String refreshToken,
        Instant refreshTokenExpiresAt, String scopes) {

    @Override
    public String toString() {
        return "TokenGrant[expires=" + accessTokenExpiresAt + ", scopes=" + scopes + "]";
    }
}
