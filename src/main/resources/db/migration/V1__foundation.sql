-- Foundation: tenants (shops), vendors and API keys.

CREATE TABLE shops (
    id                         BIGSERIAL PRIMARY KEY,
    domain                     TEXT        NOT NULL UNIQUE
        CHECK (domain ~ '^[a-z0-9][a-z0-9-]*\.myshopify\.com$'),
    -- Tokens are AES-GCM ciphertext (12-byte IV || ciphertext+tag); *_key_id names the key used.
    access_token               BYTEA,
    access_token_key_id        TEXT,
    access_token_expires_at    TIMESTAMPTZ,
    refresh_token              BYTEA,
    refresh_token_key_id       TEXT,
    refresh_token_expires_at   TIMESTAMPTZ,
    scopes                     TEXT        NOT NULL DEFAULT '',
    api_version                TEXT        NOT NULL,
    state                      TEXT        NOT NULL DEFAULT 'active'
        CHECK (state IN ('active', 'uninstalled', 'paused')),
    paused_reason              TEXT,
    needs_reauth               BOOLEAN     NOT NULL DEFAULT FALSE,
    installed_at               TIMESTAMPTZ NOT NULL DEFAULT now(),
    uninstalled_at             TIMESTAMPTZ,
    created_at                 TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at                 TIMESTAMPTZ NOT NULL DEFAULT now(),
    version                    BIGINT      NOT NULL DEFAULT 0,
    CHECK ((state = 'paused') = (paused_reason IS NOT NULL)),
    CHECK ((access_token IS NULL) = (access_token_key_id IS NULL)),
    CHECK ((refresh_token IS NULL) = (refresh_token_key_id IS NULL))
);

CREATE TABLE vendors (
    id          BIGSERIAL PRIMARY KEY,
    name        TEXT        NOT NULL UNIQUE CHECK (length(trim(name)) > 0),
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE api_keys (
    id          BIGSERIAL PRIMARY KEY,
    name        TEXT        NOT NULL CHECK (length(trim(name)) > 0),
    -- SHA-256 of the whole key; the key itself is shown once and never stored.
    key_hash    TEXT        NOT NULL UNIQUE,
    key_prefix  TEXT        NOT NULL,
    role        TEXT        NOT NULL CHECK (role IN ('admin', 'operator', 'vendor')),
    vendor_id   BIGINT      REFERENCES vendors (id) ON DELETE CASCADE,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    revoked_at  TIMESTAMPTZ,
    last_used_at TIMESTAMPTZ,
    CHECK ((role = 'vendor') = (vendor_id IS NOT NULL))
);
