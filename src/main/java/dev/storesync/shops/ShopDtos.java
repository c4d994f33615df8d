package dev.storesync.shops;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/** Shop request and response bodies. No response type has a token field. */
public final class ShopDtos {

    private ShopDtos() {
    }

    /** Registration by hand, for custom apps that already hold an Admin API token. */
    public record RegisterRequest(
            @NotBlank @Size(max = 255) String domain,
            @NotBlank @Size(max = 4096) String accessToken,
            @Size(max = 4096) String scopes,
            @Pattern(regexp = "\\d{4}-\\d{2}|unstable", message = "must look like 2026-10") String apiVersion) {

        @Override
        public String toString() {
            return "RegisterRequest[domain=" + domain + ", accessToken=<redacted>]";
        }
    }

    public record PauseRequest(@NotBlank @Size(max = 500) String reason) {
    }

    public record View(long id, String domain, String state, String pausedReason, boolean needsReauth,
            List<String> scopes, String apiVersion, boolean hasAccessToken, Instant accessTokenExpiresAt,
            Instant installedAt, Instant uninstalledAt, Instant createdAt, Instant updatedAt) {
        static View of(Shop s) {
            List<String> scopes = s.scopes == null || s.scopes.isBlank() ? List.of()
                    : Arrays.stream(s.scopes.split(",")).map(String::trim).filter(x -> !x.isEmpty()).toList();
            return new View(s.id, s.domain, s.state, s.pausedReason, s.needsReauth, scopes, s.apiVersion,
                    s.accessToken != null, s.accessTokenExpiresAt, s.installedAt, s.uninstalledAt, s.createdAt,
                    s.updatedAt);
        }
    }

    public record ReencryptResult(int shopsReencrypted, String activeKeyId) {
    }
}
