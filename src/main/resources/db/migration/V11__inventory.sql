-- Inventory sync (issue #10, first step): the owner shop, partners, product mappings and sync runs.

-- The owner store: one connected shop per installation, with the location its stock is set at.
-- inventory_location_gid is either set by the admin or the shop's primary location, read and cached.
ALTER TABLE shops
    ADD COLUMN inventory_owner        BOOLEAN NOT NULL DEFAULT FALSE,
    ADD COLUMN inventory_location_gid TEXT;
CREATE UNIQUE INDEX shops_one_inventory_owner ON shops ((TRUE)) WHERE inventory_owner;

-- A partner store: a connected shop whose stock is copied to the owner's. status is NULL until its
-- first sync; healthy, warning (some items failed) or failed (the run failed for it) afterwards.
CREATE TABLE partners (
    id            BIGSERIAL PRIMARY KEY,
    shop_id       BIGINT      NOT NULL UNIQUE REFERENCES shops (id) ON DELETE CASCADE,
    display_name  TEXT        NOT NULL CHECK (length(display_name) BETWEEN 1 AND 200),
    active        BOOLEAN     NOT NULL DEFAULT TRUE,
    status        TEXT        CHECK (status IN ('healthy', 'warning', 'failed')),
    last_sync_at  TIMESTAMPTZ,
    last_error    TEXT,
    items_failing INTEGER     NOT NULL DEFAULT 0,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Partner variant -> owner variant. An owner item is fed by one active mapping only, or two partners
-- would overwrite each other's stock on every sweep.
CREATE TABLE product_mappings (
    id                         BIGSERIAL PRIMARY KEY,
    partner_id                 BIGINT      NOT NULL REFERENCES partners (id) ON DELETE CASCADE,
    partner_variant_gid        TEXT        NOT NULL,
    partner_inventory_item_gid TEXT        NOT NULL,
    sku                        TEXT,
    owner_variant_gid          TEXT        NOT NULL,
    owner_inventory_item_gid   TEXT        NOT NULL,
    active                     BOOLEAN     NOT NULL DEFAULT TRUE,
    created_at                 TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at                 TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (partner_id, partner_variant_gid)
);
CREATE UNIQUE INDEX product_mappings_one_active_owner_item ON product_mappings (owner_inventory_item_gid)
    WHERE active;
CREATE INDEX product_mappings_partner ON product_mappings (partner_id, id) WHERE active;

-- One row per run. At most one run is running cluster-wide (the partial unique index); a run whose
-- heartbeat is older than the lease is abandoned by the next trigger.
CREATE TABLE inventory_sync_runs (
    id           BIGSERIAL PRIMARY KEY,
    trigger      TEXT        NOT NULL
        CHECK (trigger IN ('schedule', 'sync_now', 'cron', 'partner_resync', 'live')),
    partner_id   BIGINT      REFERENCES partners (id) ON DELETE SET NULL,
    outcome      TEXT        NOT NULL DEFAULT 'running'
        CHECK (outcome IN ('running', 'succeeded', 'partial', 'failed', 'abandoned')),
    started_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    heartbeat_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    finished_at  TIMESTAMPTZ,
    error        TEXT,
    CHECK ((outcome = 'running') = (finished_at IS NULL))
);
CREATE UNIQUE INDEX inventory_sync_runs_one_running ON inventory_sync_runs ((TRUE)) WHERE outcome = 'running';
CREATE INDEX inventory_sync_runs_started ON inventory_sync_runs (id DESC);

-- One row per partner within a run.
CREATE TABLE inventory_sync_run_partners (
    run_id      BIGINT      NOT NULL REFERENCES inventory_sync_runs (id) ON DELETE CASCADE,
    partner_id  BIGINT      NOT NULL REFERENCES partners (id) ON DELETE CASCADE,
    status      TEXT        NOT NULL CHECK (status IN ('healthy', 'warning', 'failed')),
    checked     INTEGER     NOT NULL,
    changed     INTEGER     NOT NULL,
    unchanged   INTEGER     NOT NULL,
    failed      INTEGER     NOT NULL,
    duration_ms BIGINT      NOT NULL,
    error       TEXT,
    finished_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (run_id, partner_id)
);
CREATE INDEX inventory_sync_run_partners_partner ON inventory_sync_run_partners (partner_id, run_id);

-- Items that could not be synced in a run.
CREATE TABLE inventory_sync_failed_items (
    id            BIGSERIAL PRIMARY KEY,
    run_id        BIGINT NOT NULL REFERENCES inventory_sync_runs (id) ON DELETE CASCADE,
    partner_id    BIGINT NOT NULL REFERENCES partners (id) ON DELETE CASCADE,
    mapping_id    BIGINT REFERENCES product_mappings (id) ON DELETE SET NULL,
    reason        TEXT   NOT NULL,
    shopify_error TEXT
);
CREATE INDEX inventory_sync_failed_items_run ON inventory_sync_failed_items (run_id, partner_id);
