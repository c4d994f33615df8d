-- Order platform (OMG) orders and purchase orders, and carrier-tracked shipments (issue #11).
-- Kept apart from Shopify's orders/shipments tables: the platform is the source of truth for these.

CREATE TABLE platform_orders (
    id                  BIGSERIAL PRIMARY KEY,
    order_number        TEXT        NOT NULL UNIQUE CHECK (length(order_number) BETWEEN 1 AND 100),
    platform_id         TEXT        NOT NULL,
    -- status.approval.value as the platform sent it, and whether the approval filter keeps it out.
    approval            TEXT,
    status              JSONB       NOT NULL DEFAULT '{}'::jsonb,
    excluded            BOOLEAN     NOT NULL DEFAULT FALSE,
    platform_created_at TIMESTAMPTZ,
    platform_updated_at TIMESTAMPTZ,
    po_count            INTEGER     NOT NULL DEFAULT 0,
    -- Shipment stats, recomputed in the transaction that links or updates one of its shipments.
    shipments_total     INTEGER     NOT NULL DEFAULT 0,
    shipments_in_transit INTEGER    NOT NULL DEFAULT 0,
    shipments_delivered INTEGER     NOT NULL DEFAULT 0,
    shipments_exception INTEGER     NOT NULL DEFAULT 0,
    derived_status      TEXT        NOT NULL DEFAULT 'no_shipments'
        CHECK (derived_status IN ('no_shipments', 'in_transit', 'partially_delivered', 'delivered', 'exception')),
    first_seen_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    synced_at           TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX platform_orders_updated ON platform_orders (platform_updated_at DESC, id DESC);
CREATE INDEX platform_orders_derived ON platform_orders (derived_status, id DESC);

CREATE TABLE purchase_orders (
    id                BIGSERIAL PRIMARY KEY,
    -- Normalised (see the README's PO number rule), so carrier references can be matched on equality.
    po_number         TEXT        NOT NULL UNIQUE CHECK (length(po_number) BETWEEN 1 AND 100),
    order_id          BIGINT      NOT NULL REFERENCES platform_orders (id) ON DELETE CASCADE,
    platform_id       TEXT        NOT NULL,
    supplier_name     TEXT,
    ship_date         DATE,
    in_hands_date     DATE,
    operations_status TEXT,
    synced_at         TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX purchase_orders_order ON purchase_orders (order_id);
CREATE INDEX purchase_orders_supplier ON purchase_orders (lower(supplier_name));

-- A parcel a carrier tracks. purchase_order_id NULL = orphan: no PO with its reference is known yet.
CREATE TABLE tracked_shipments (
    id                BIGSERIAL PRIMARY KEY,
    tracking_number   TEXT        NOT NULL CHECK (length(tracking_number) BETWEEN 1 AND 200),
    courier_code      TEXT        NOT NULL DEFAULT '',
    tracker_id        TEXT,
    raw_reference     TEXT,
    po_number         TEXT,
    purchase_order_id BIGINT      REFERENCES purchase_orders (id) ON DELETE SET NULL,
    status_code       TEXT,
    status_category   TEXT,
    status_milestone  TEXT,
    estimated_delivery TIMESTAMPTZ,
    last_event_at     TIMESTAMPTZ,
    created_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (tracking_number, courier_code)
);
CREATE INDEX tracked_shipments_orphans ON tracked_shipments (created_at, id) WHERE purchase_order_id IS NULL;
CREATE INDEX tracked_shipments_po_number ON tracked_shipments (po_number) WHERE purchase_order_id IS NULL;
CREATE INDEX tracked_shipments_po ON tracked_shipments (purchase_order_id);

CREATE TABLE tracking_events (
    id               BIGSERIAL PRIMARY KEY,
    shipment_id      BIGINT      NOT NULL REFERENCES tracked_shipments (id) ON DELETE CASCADE,
    -- Ship24's eventId: an event is stored once however often it is redelivered.
    event_id         TEXT        NOT NULL UNIQUE,
    occurred_at      TIMESTAMPTZ,
    status           TEXT,
    status_code      TEXT,
    status_milestone TEXT,
    location         TEXT,
    courier_code     TEXT,
    received_at      TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX tracking_events_shipment ON tracking_events (shipment_id, occurred_at DESC);

-- Who linked which shipment from which PO to which (manual links and re-links).
CREATE TABLE tracked_shipment_links (
    id          BIGSERIAL PRIMARY KEY,
    shipment_id BIGINT      NOT NULL REFERENCES tracked_shipments (id) ON DELETE CASCADE,
    from_po     TEXT,
    to_po       TEXT        NOT NULL,
    actor       TEXT        NOT NULL,
    linked_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE platform_sync_runs (
    id          BIGSERIAL PRIMARY KEY,
    trigger     TEXT        NOT NULL CHECK (trigger IN ('schedule', 'manual')),
    since       TIMESTAMPTZ,
    full_resync BOOLEAN     NOT NULL DEFAULT FALSE,
    outcome     TEXT        NOT NULL DEFAULT 'running'
        CHECK (outcome IN ('running', 'succeeded', 'partial', 'failed', 'abandoned')),
    started_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    heartbeat_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    finished_at TIMESTAMPTZ,
    fetched     INTEGER     NOT NULL DEFAULT 0,
    upserted    INTEGER     NOT NULL DEFAULT 0,
    unchanged   INTEGER     NOT NULL DEFAULT 0,
    excluded    INTEGER     NOT NULL DEFAULT 0,
    errors      INTEGER     NOT NULL DEFAULT 0,
    error       TEXT,
    CHECK ((outcome = 'running') = (finished_at IS NULL))
);
CREATE UNIQUE INDEX platform_sync_runs_one_running ON platform_sync_runs ((TRUE)) WHERE outcome = 'running';
