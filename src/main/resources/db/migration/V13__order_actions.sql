-- The dashboard's write actions (issue #9, v1.2): assignments, support threads, returns, the
-- idempotency of action requests, and operator keys limited to some shops.

-- NULL = every shop (admin keys and unrestricted operators); else the shops an operator key may act on.
ALTER TABLE api_keys ADD COLUMN shop_domains TEXT[];

-- The order's current state for the list (tabs and filters are index conditions); the history is in
-- the tables below and in order_events.
ALTER TABLE orders
    ADD COLUMN assigned_to       TEXT CHECK (assigned_to IS NULL OR length(assigned_to) BETWEEN 1 AND 200),
    ADD COLUMN return_state      TEXT CHECK (return_state IN ('awaiting_label', 'label_generated', 'in_transit',
                                             'inspection', 'awaiting_refund', 'completed', 'denied', 'cancelled')),
    ADD COLUMN return_last_action TEXT,
    ADD COLUMN support_thread_id UUID;
-- assigned_to = x (the filter) and the assigned tab (any assignee), each in the list's order.
CREATE INDEX orders_assigned ON orders (shop_id, assigned_to, shopify_created_at DESC NULLS LAST, id DESC)
    WHERE assigned_to IS NOT NULL;
CREATE INDEX orders_assigned_all_shops ON orders (assigned_to, shopify_created_at DESC NULLS LAST, id DESC)
    WHERE assigned_to IS NOT NULL;
CREATE INDEX orders_assigned_tab ON orders (shop_id, shopify_created_at DESC NULLS LAST, id DESC)
    WHERE assigned_to IS NOT NULL;
CREATE INDEX orders_returns_open ON orders (shop_id, shopify_created_at DESC NULLS LAST, id DESC)
    WHERE return_state IN ('awaiting_label', 'label_generated', 'in_transit', 'inspection', 'awaiting_refund');
CREATE INDEX orders_support ON orders (shop_id, shopify_created_at DESC NULLS LAST, id DESC)
    WHERE support_thread_id IS NOT NULL;

-- Who assigned whom, when, with which key (api_key_id is NULL for the bootstrap admin key).
CREATE TABLE order_assignments (
    id          BIGSERIAL PRIMARY KEY,
    order_id    BIGINT      NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    assignee    TEXT        NOT NULL CHECK (length(assignee) BETWEEN 1 AND 200),
    previous    TEXT,
    -- 'assign' (POST /sync/orders/assign) or 'support' (handed to the assistant by a support request).
    reason      TEXT        NOT NULL CHECK (reason IN ('assign', 'support')),
    assigned_by TEXT        NOT NULL,
    api_key_id  BIGINT      REFERENCES api_keys (id) ON DELETE SET NULL,
    assigned_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX order_assignments_order ON order_assignments (order_id, assigned_at DESC);

-- A support conversation; several requests (and orders) may share one through its conversation id.
CREATE TABLE support_threads (
    id              UUID        PRIMARY KEY,
    shop_id         BIGINT      NOT NULL REFERENCES shops (id) ON DELETE CASCADE,
    order_id        BIGINT      NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    conversation_id TEXT,
    created_by      TEXT        NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX support_threads_conversation ON support_threads (shop_id, conversation_id)
    WHERE conversation_id IS NOT NULL;
ALTER TABLE orders ADD CONSTRAINT orders_support_thread FOREIGN KEY (support_thread_id)
    REFERENCES support_threads (id) ON DELETE SET NULL;

CREATE TABLE support_notes (
    id         BIGSERIAL PRIMARY KEY,
    thread_id  UUID        NOT NULL REFERENCES support_threads (id) ON DELETE CASCADE,
    order_id   BIGINT      NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    note       TEXT        NOT NULL CHECK (length(note) > 0),
    created_by TEXT        NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX support_notes_thread ON support_notes (thread_id, created_at);

-- The answer of each action request sent with an Idempotency-Key, stored in the action's transaction:
-- a retry with the same key and body gets it again, the same key with another body is refused.
CREATE TABLE order_action_requests (
    principal       TEXT        NOT NULL,
    idempotency_key TEXT        NOT NULL CHECK (length(idempotency_key) BETWEEN 1 AND 200),
    action          TEXT        NOT NULL,
    fingerprint     TEXT        NOT NULL,
    status          INT         NOT NULL,
    -- The answer as sent (text, not JSONB, so a replay is byte for byte the first answer).
    response        TEXT        NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (principal, idempotency_key)
);
CREATE INDEX order_action_requests_created ON order_action_requests (created_at);

-- "Mark fulfilled" from the dashboard may carry no tracking number: Shopify accepts a fulfillment
-- without tracking info. A registered shipment still needs one (ShipmentDtos), so only this path
-- stores NULL; the length check keeps refusing an empty number.
ALTER TABLE shipments ALTER COLUMN tracking_number DROP NOT NULL;
