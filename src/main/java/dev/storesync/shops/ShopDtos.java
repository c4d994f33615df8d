package dev.storesync.shops;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;
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

    /**
     * A shop. {@code version} grows with every change of the shop row; {@code webhookSubscriptions}
     * is shown for one shop (not in lists).
     */
    public record View(long id, String domain, String state, String pausedReason, boolean needsReauth,
            List<String> scopes, String apiVersion, boolean hasAccessToken, Instant accessTokenExpiresAt,
            Instant installedAt, Instant uninstalledAt, Instant createdAt, Instant updatedAt, long version,
            @JsonInclude(JsonInclude.Include.NON_NULL) List<WebhookSubscription> webhookSubscriptions) {
        static View of(Shop s) {
            List<String> scopes = s.scopes == null || s.scopes.isBlank() ? List.of()
                    : Arrays.stream(s.scopes.split(",")).map(String::trim).filter(x -> !x.isEmpty()).toList();
            return new View(s.id, s.domain, s.state, s.pausedReason, s.needsReauth, scopes, s.apiVersion,
                    s.accessToken != null, s.accessTokenExpiresAt, s.installedAt, s.uninstalledAt, s.createdAt,
                    s.updatedAt, s.version, null);
        }

        View withSubscriptions(List<WebhookSubscription> subscriptions) {
            return new View(id, domain, state, pausedReason, needsReauth, scopes, apiVersion, hasAccessToken,
                    accessTokenExpiresAt, installedAt, uninstalledAt, createdAt, updatedAt, version, subscriptions);
        }
    }

    /**
     * One webhook topic of a shop: {@code subscribed}, {@code failed} (with the error, in English
     * and Japanese) or {@code missing} (never attempted); {@code lastAttemptAt} null when missing.
     */
    @RegisterForReflection
    public record WebhookSubscription(String topic, String state, Instant lastAttemptAt, Error lastError) {
    }

    /** What went wrong, for people. */
    @RegisterForReflection
    public record Error(String en, String ja) {
    }

    public record ReencryptResult(int shopsReencrypted, String activeKeyId) {
    }
}
