-- Outbound events (issues #9 and #11): written in the same transaction as the change they announce,
-- delivered later at least once by the outbox delivery worker. The id is the stable event id a
-- receiver dedupes on.
CREATE TABLE outbox_events (
    id              UUID        PRIMARY KEY,
    event_type      TEXT        NOT NULL CHECK (event_type ~ '^[a-z_]+\.[a-z_]+$'),
    -- What the event is about, e.g. 'order:gid://shopify/Order/1' or 'platform_order:164'.
    aggregate       TEXT        NOT NULL CHECK (length(aggregate) > 0),
    payload         JSONB       NOT NULL CHECK (jsonb_typeof(payload) = 'object'),
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    -- pending → delivered | discarded; running while a worker holds the claim.
    state           TEXT        NOT NULL DEFAULT 'pending'
                                CHECK (state IN ('pending', 'running', 'delivered', 'discarded')),
    attempts        INT         NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    claimed_until   TIMESTAMPTZ,
    claim_token     UUID,
    last_error      TEXT,
    finished_at     TIMESTAMPTZ,
    CHECK ((finished_at IS NOT NULL) = (state IN ('delivered', 'discarded')))
);
CREATE INDEX outbox_events_due ON outbox_events (next_attempt_at) WHERE state IN ('pending', 'running');
CREATE INDEX outbox_events_aggregate ON outbox_events (aggregate, created_at);
