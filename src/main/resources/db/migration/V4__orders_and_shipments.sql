-- Orders imported from Shopify, vendor attribution, vendor shipments and their sync to Shopify.

-- Shopify line items name their vendor as free text; this maps that text to one of our vendors.
CREATE TABLE vendor_mappings (
    id              BIGSERIAL PRIMARY KEY,
    shopify_vendor  TEXT        NOT NULL CHECK (length(trim(shopify_vendor)) > 0),
    vendor_id       BIGINT      NOT NULL REFERENCES vendors (id) ON DELETE CASCADE,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX vendor_mappings_shopify_vendor ON vendor_mappings (lower(shopify_vendor));

CREATE TABLE orders (
    id                  BIGSERIAL PRIMARY KEY,
    shop_id             BIGINT      NOT NULL REFERENCES shops (id) ON DELETE CASCADE,
    shopify_id          BIGINT      NOT NULL,
    gid                 TEXT        NOT NULL,
    name                TEXT        NOT NULL,
    shopify_created_at  TIMESTAMPTZ,
    shopify_updated_at  TIMESTAMPTZ NOT NULL,
    -- When the stored version was observed (webhook X-Shopify-Triggered-At, or the time of a GraphQL
    -- read): breaks ties between versions stamped with the same updated_at second.
    shopify_observed_at TIMESTAMPTZ NOT NULL,
    cancelled_at        TIMESTAMPTZ,
    cancel_reason       TEXT,
    financial_status    TEXT,
    fulfillment_status  TEXT,
    customer_name       TEXT,
    customer_email      TEXT,
    created_at          TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at          TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (shop_id, shopify_id)
);
CREATE INDEX orders_shop_name ON orders (shop_id, name);
CREATE INDEX orders_gid ON orders (gid);

CREATE TABLE order_line_items (
    id                    BIGSERIAL PRIMARY KEY,
    order_id              BIGINT  NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    shopify_id            BIGINT  NOT NULL,
    gid                   TEXT    NOT NULL,
    sku                   TEXT,
    title                 TEXT    NOT NULL DEFAULT '',
    variant_title         TEXT,
    variant_id            BIGINT,
    shopify_vendor        TEXT,
    vendor_id             BIGINT  REFERENCES vendors (id) ON DELETE SET NULL,
    quantity              INTEGER NOT NULL CHECK (quantity >= 0),
    requires_shipping     BOOLEAN NOT NULL DEFAULT TRUE,
    fulfillable_quantity  INTEGER,
    UNIQUE (order_id, shopify_id)
);
CREATE INDEX order_line_items_vendor ON order_line_items (vendor_id);
CREATE INDEX order_line_items_sku ON order_line_items (sku);

CREATE TABLE shipments (
    id                        BIGSERIAL PRIMARY KEY,
    order_id                  BIGINT      NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    vendor_id                 BIGINT      REFERENCES vendors (id) ON DELETE SET NULL,
    tracking_number           TEXT        NOT NULL CHECK (length(trim(tracking_number)) > 0),
    carrier                   TEXT,
    tracking_company          TEXT,
    tracking_url              TEXT,
    notify_customer           BOOLEAN     NOT NULL DEFAULT FALSE,
    status                    TEXT        NOT NULL DEFAULT 'shipped' CHECK (status IN ('shipped', 'cancelled')),
    sync_status               TEXT        NOT NULL DEFAULT 'pending'
        CHECK (sync_status IN ('pending', 'synced', 'failed', 'cancelled')),
    sync_retry_count          INTEGER     NOT NULL DEFAULT 0,
    last_retry_at             TIMESTAMPTZ,
    -- When the next sync attempt is due (webhooks and manual retries set it to now).
    sync_pending_until        TIMESTAMPTZ,
    -- Set while a worker syncs the shipment; a worker that dies leaves it claimable after this.
    sync_claimed_until        TIMESTAMPTZ,
    -- Fencing token of the current claim: a worker whose claim was taken over can no longer write.
    sync_claim_token          UUID,
    -- Set when Shopify signals (or an operator asks) during an attempt: that attempt retries at once.
    sync_nudged_at            TIMESTAMPTZ,
    synced_at                 TIMESTAMPTZ,
    shopify_fulfillment_ids   TEXT[]      NOT NULL DEFAULT '{}',
    shopify_fulfillment_order_ids TEXT[]  NOT NULL DEFAULT '{}',
    last_error_code           TEXT,
    last_error_message        TEXT,
    last_error_message_ja     TEXT,
    created_by                TEXT        NOT NULL,
    idempotency_key           TEXT,
    request_fingerprint       TEXT,
    created_at                TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at                TIMESTAMPTZ NOT NULL DEFAULT now(),
    cancelled_at              TIMESTAMPTZ,
    CHECK ((status = 'cancelled') = (cancelled_at IS NOT NULL)),
    CHECK (sync_status <> 'synced' OR synced_at IS NOT NULL)
);
CREATE UNIQUE INDEX shipments_idempotency ON shipments (created_by, idempotency_key) WHERE idempotency_key IS NOT NULL;
CREATE INDEX shipments_due ON shipments (sync_pending_until) WHERE sync_status = 'pending';
CREATE INDEX shipments_order ON shipments (order_id);
CREATE INDEX shipments_vendor ON shipments (vendor_id, created_at);

CREATE TABLE shipment_line_items (
    shipment_id   BIGINT  NOT NULL REFERENCES shipments (id) ON DELETE CASCADE,
    line_item_id  BIGINT  NOT NULL REFERENCES order_line_items (id) ON DELETE CASCADE,
    quantity      INTEGER NOT NULL CHECK (quantity >= 1),
    PRIMARY KEY (shipment_id, line_item_id)
);
CREATE INDEX shipment_line_items_line ON shipment_line_items (line_item_id);

-- Every sync attempt, for the operator: when, what happened, what Shopify said.
CREATE TABLE shipment_sync_attempts (
    id              BIGSERIAL PRIMARY KEY,
    shipment_id     BIGINT      NOT NULL REFERENCES shipments (id) ON DELETE CASCADE,
    attempted_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    outcome         TEXT        NOT NULL
        CHECK (outcome IN ('synced', 'adopted', 'waiting', 'retrying', 'failed', 'cancelled')),
    error_code      TEXT,
    message         TEXT,
    message_ja      TEXT,
    next_attempt_at TIMESTAMPTZ
);
CREATE INDEX shipment_sync_attempts_shipment ON shipment_sync_attempts (shipment_id, attempted_at);

-- Periodic jobs that must run on one replica at a time take a lease here.
CREATE TABLE job_leases (
    name        TEXT        PRIMARY KEY,
    holder      TEXT        NOT NULL,
    expires_at  TIMESTAMPTZ NOT NULL
);
