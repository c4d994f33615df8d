-- Webhook intake: a durable inbox drained by the dispatcher, and an audit of compliance requests.

-- One row per Shopify delivery, River style: the row's state is the truth, the dispatcher moves it.
--   available -> running -> completed
--                        -> retryable -> running ...   (handler failed; scheduled_at pushed back)
--                        -> discarded                  (failed max_attempts times)
--             -> ignored                               (no handler for the topic)
-- completed, discarded and ignored are final and carry finalized_at; an admin replay makes a row
-- available again.
CREATE TABLE webhook_inbox (
    id                 BIGSERIAL PRIMARY KEY,
    -- X-Shopify-Webhook-Id: the same for every retry of one delivery, so it is the dedupe key.
    webhook_id         TEXT        NOT NULL UNIQUE CHECK (length(webhook_id) BETWEEN 1 AND 255),
    topic              TEXT        NOT NULL CHECK (length(topic) BETWEEN 1 AND 255),
    shop_domain        TEXT        NOT NULL,
    -- Kept when the shop row is deleted (shop/redact) so the request that erased it stays visible.
    shop_id            BIGINT      REFERENCES shops (id) ON DELETE SET NULL,
    event_id           TEXT,
    triggered_at       TIMESTAMPTZ,
    api_version        TEXT,
    subscription_name  TEXT,
    -- An earlier row with the same (topic, event_id): a second dedupe signal, recorded, not enforced.
    duplicate_of       BIGINT,
    payload            JSONB       NOT NULL,
    redacted_at        TIMESTAMPTZ,
    state              TEXT        NOT NULL DEFAULT 'available'
        CHECK (state IN ('available', 'running', 'retryable', 'completed', 'discarded', 'ignored')),
    attempt            SMALLINT    NOT NULL DEFAULT 0 CHECK (attempt >= 0),
    max_attempts       SMALLINT    NOT NULL CHECK (max_attempts > 0),
    scheduled_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    attempted_at       TIMESTAMPTZ,
    attempted_by       TEXT,
    -- [{"at": "...Z", "attempt": n, "error": "..."}], oldest first.
    errors             JSONB       NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(errors) = 'array'),
    received_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
    finalized_at       TIMESTAMPTZ,
    CHECK ((state IN ('completed', 'discarded', 'ignored')) = (finalized_at IS NOT NULL)),
    CHECK (state <> 'running' OR attempted_at IS NOT NULL)
);

-- The claim: oldest due rows first, and only rows that can be claimed are in the index.
CREATE INDEX webhook_inbox_due_idx ON webhook_inbox (scheduled_at, id) WHERE state IN ('available', 'retryable');
-- The rescuer looks for expired leases.
CREATE INDEX webhook_inbox_running_idx ON webhook_inbox (attempted_at) WHERE state = 'running';
-- The cleaner prunes finished rows by age.
CREATE INDEX webhook_inbox_finalized_idx ON webhook_inbox (finalized_at) WHERE finalized_at IS NOT NULL;
-- Per-shop work: compliance requests and the admin filter.
CREATE INDEX webhook_inbox_shop_idx ON webhook_inbox (shop_domain, id);
CREATE INDEX webhook_inbox_event_idx ON webhook_inbox (topic, event_id) WHERE event_id IS NOT NULL;

-- What StoreSync did for each GDPR/CCPA compliance webhook. Not tied to shops by a foreign key:
-- the record of a shop/redact must outlive the shop it erased.
CREATE TABLE compliance_requests (
    id           BIGSERIAL PRIMARY KEY,
    -- The inbox row that carried the request; unique so a retried handler updates, not duplicates.
    inbox_id     BIGINT      NOT NULL UNIQUE,
    shop_id      BIGINT,
    shop_domain  TEXT        NOT NULL,
    topic        TEXT        NOT NULL CHECK (topic IN ('customers/data_request', 'customers/redact', 'shop/redact')),
    customer_id  BIGINT,
    action       TEXT        NOT NULL,
    -- Counts and row ids only, never the customer's personal data.
    details      JSONB       NOT NULL DEFAULT '{}',
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE INDEX compliance_requests_shop_idx ON compliance_requests (shop_domain, id);
