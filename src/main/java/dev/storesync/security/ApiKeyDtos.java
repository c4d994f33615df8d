package dev.storesync.security;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.util.List;

/** Request and response bodies of the API key endpoints. */
public final class ApiKeyDtos {

    private ApiKeyDtos() {
    }

    public record CreateRequest(
            @NotBlank @Size(max = 200) String name,
            @NotNull @Pattern(regexp = "admin|operator|vendor", message = "must be admin, operator or vendor") String role,
            Long vendorId,
            @Size(max = 100) List<@NotBlank String> shopDomains) {
    }

    /** The shops an operator key may act on; null (or absent) lifts the limit. */
    public record ShopsRequest(@Size(min = 1, max = 100) List<@NotBlank String> shopDomains) {
    }

    /** {@code shopDomains} is null for a key that may act on every shop. */
    public record View(long id, String name, String prefix, String role, Long vendorId, List<String> shopDomains,
            Instant createdAt, Instant revokedAt, Instant lastUsedAt) {
        static View of(ApiKey key) {
            return new View(key.id, key.name, key.keyPrefix, key.role, key.vendorId,
                    key.shopDomains == null ? null : List.of(key.shopDomains), key.createdAt, key.revokedAt,
                    key.lastUsedAt);
        }
    }

    /** Returned once, at creation: the only time the key is visible. */
    public record Created(@JsonUnwrapped View key, String apiKey) {
    }
}
