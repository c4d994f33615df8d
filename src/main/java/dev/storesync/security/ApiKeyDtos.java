package dev.storesync.security;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Instant;

/** Request and response bodies of the API key endpoints. */
public final class ApiKeyDtos {

    private ApiKeyDtos() {
    }

    public record CreateRequest(
            @NotBlank @Size(max = 200) String name,
            @NotNull @Pattern(regexp = "admin|operator|vendor", message = "must be admin, operator or vendor") String role,
            Long vendorId) {
    }

    public record View(long id, String name, String prefix, String role, Long vendorId,
            Instant createdAt, Instant revokedAt, Instant lastUsedAt) {
        static View of(ApiKey key) {
            return new View(key.id, key.name, key.keyPrefix, key.role, key.vendorId, key.createdAt, key.revokedAt,
                    key.lastUsedAt);
        }
    }

    /** Returned once, at creation: the only time the key is visible. */
    public record Created(@JsonUnwrapped View key, String apiKey) {
    }
}
