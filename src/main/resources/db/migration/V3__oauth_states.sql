-- Single-use OAuth `state` nonces between /shopify/install and /shopify/callback.
CREATE TABLE oauth_states (
    state        TEXT        PRIMARY KEY,
    shop_domain  TEXT        NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    expires_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX oauth_states_expires_at ON oauth_states (expires_at);
