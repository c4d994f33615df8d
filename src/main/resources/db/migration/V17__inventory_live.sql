-- Inventory sync, live updates and partner locations (issue #10, sections 2 and 3).

-- A partner may name the location whose level is its stock; NULL means the variant's inventoryQuantity
-- (the sum over all its locations).
ALTER TABLE partners ADD COLUMN location_gid TEXT;

-- Live updates are logged as one run per minute window, not one per item: live_window is the
-- window's start, and a live run row is written already finished (outcome of what the window did so
-- far, finished_at its last batch), so it is never 'running'.
ALTER TABLE inventory_sync_runs ADD COLUMN live_window TIMESTAMPTZ;
ALTER TABLE inventory_sync_runs ADD CONSTRAINT inventory_sync_runs_live_window
    CHECK ((trigger = 'live') = (live_window IS NOT NULL));
CREATE UNIQUE INDEX inventory_sync_runs_one_live_window ON inventory_sync_runs (live_window) WHERE trigger = 'live';

-- The one-running-run index is about sweeps (schedule, sync_now, cron, partner_resync) only: live
-- updates go on while a sweep runs and must neither wait for it nor make Sync Now answer a live
-- row's id. Live rows are never 'running' today; excluding them here keeps that true by design.
DROP INDEX inventory_sync_runs_one_running;
CREATE UNIQUE INDEX inventory_sync_runs_one_running ON inventory_sync_runs ((TRUE))
    WHERE outcome = 'running' AND trigger <> 'live';

-- Mapped items a partner's inventory_levels/update named, waiting to be re-synced. One row per
-- mapping coalesces a burst: a delivery for a queued item only bumps seq, and the item is synced
-- once, at due_at (the first delivery plus the debounce), with the value read then. A worker claims
-- rows (claimed_seq = seq, claimed_until = lease); after the sync it deletes the row only if no
-- delivery came meanwhile (seq = claimed_seq), else the row is due again at once.
CREATE TABLE inventory_live_queue (
    mapping_id    BIGINT      PRIMARY KEY REFERENCES product_mappings (id) ON DELETE CASCADE,
    partner_id    BIGINT      NOT NULL REFERENCES partners (id) ON DELETE CASCADE,
    due_at        TIMESTAMPTZ NOT NULL,
    seq           BIGINT      NOT NULL DEFAULT 1,
    claimed_seq   BIGINT,
    claimed_until TIMESTAMPTZ,
    attempts      INTEGER     NOT NULL DEFAULT 0,
    first_seen_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX inventory_live_queue_due ON inventory_live_queue (due_at);

-- A partner's inventory_levels/update names an inventory item: find its active mappings.
CREATE INDEX product_mappings_partner_item ON product_mappings (partner_id, partner_inventory_item_gid) WHERE active;
