package dev.storesync.shops;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;

/** A Shopify store StoreSync works for. Token columns hold ciphertext only (see {@link TokenCipher}). */
@Entity
@Table(name = "shops")
public class Shop {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    public String domain;
    @Column(name = "access_token")
    public byte[] accessToken;
    @Column(name = "access_token_key_id")
    public String accessTokenKeyId;
    @Column(name = "access_token_expires_at")
    public Instant accessTokenExpiresAt;
    @Column(name = "refresh_token")
    public byte[] refreshToken;
    @Column(name = "refresh_token_key_id")
    public String refreshTokenKeyId;
    @Column(name = "refresh_token_expires_at")
    public Instant refreshTokenExpiresAt;
    public String scopes;
    @Column(name = "api_version")
    public String apiVersion;
    @Column(name = "state")
    public String state;
    @Column(name = "paused_reason")
    public String pausedReason;
    @Column(name = "needs_reauth")
    public boolean needsReauth;
    @Column(name = "installed_at")
    public Instant installedAt;
    @Column(name = "uninstalled_at")
    public Instant uninstalledAt;
    @Column(name = "created_at")
    public Instant createdAt;
    @Column(name = "updated_at")
    public Instant updatedAt;
    @Version
    public long version;

    public static final String ACTIVE = "active";
    public static final String PAUSED = "paused";
    public static final String UNINSTALLED = "uninstalled";
}
