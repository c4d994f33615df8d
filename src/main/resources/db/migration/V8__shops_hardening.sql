-- Per shop and webhook topic: whether StoreSync's subscription is in place at Shopify, as of the
-- last attempt (registration, install, or POST /admin/shops/{id}/subscriptions).
CREATE TABLE shop_webhook_subscriptions (
    shop_id          BIGINT      NOT NULL REFERENCES shops (id) ON DELETE CASCADE,
    -- Shopify's enum, e.g. ORDERS_CREATE
    topic            TEXT        NOT NULL,
    state            TEXT        NOT NULL CHECK (state IN ('subscribed', 'failed')),
    last_attempt_at  TIMESTAMPTZ NOT NULL,
    last_error_en    TEXT,
    last_error_ja    TEXT,
    PRIMARY KEY (shop_id, topic),
    CHECK ((state = 'failed') = (last_error_en IS NOT NULL))
);

-- Pending OAuth states are capped per shop; the cap query reads a shop's newest states.
CREATE INDEX oauth_states_shop_domain ON oauth_states (shop_domain, created_at);
