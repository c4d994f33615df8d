-- Inventory sync, second part of issue #10: the schedule's runtime settings, a run's progress and
-- the state of critical-failure alerts.

-- The schedule: one row, read on every tick, so a change through the admin API applies without a
-- restart. Disabled until an admin turns it on: every sweep overwrites the owner's stock of each
-- mapped item with the partner's, so mappings are reviewed before it runs unattended.
CREATE TABLE inventory_schedule (
    id               BOOLEAN     PRIMARY KEY DEFAULT TRUE CHECK (id),
    enabled          BOOLEAN     NOT NULL DEFAULT FALSE,
    interval_minutes INTEGER     NOT NULL DEFAULT 60 CHECK (interval_minutes BETWEEN 5 AND 1440),
    updated_at       TIMESTAMPTZ NOT NULL DEFAULT now()
);
INSERT INTO inventory_schedule DEFAULT VALUES;

-- Progress of a run, written with each partner's row, so any replica can report it. The totals are
-- set once the run knows its partners (NULL before).
ALTER TABLE inventory_sync_runs
    ADD COLUMN partners_total INTEGER,
    ADD COLUMN partners_done  INTEGER NOT NULL DEFAULT 0,
    ADD COLUMN items_total    INTEGER,
    ADD COLUMN items_done     INTEGER NOT NULL DEFAULT 0;
-- The tick asks when the last scheduled run started.
CREATE INDEX inventory_sync_runs_scheduled ON inventory_sync_runs (started_at DESC) WHERE trigger = 'schedule';

-- One row per partner and critical condition. active says whether the condition holds now;
-- notified whether the mail for the row's current state (alert, or recovery once inactive) has been
-- sent, or was not needed. A mail that fails stays unsent and is retried.
CREATE TABLE inventory_alerts (
    partner_id      BIGINT      NOT NULL REFERENCES partners (id) ON DELETE CASCADE,
    condition       TEXT        NOT NULL CHECK (condition IN ('token_invalid', 'unreachable', 'items_failing')),
    active          BOOLEAN     NOT NULL,
    detail          TEXT,
    raised_at       TIMESTAMPTZ NOT NULL,
    cleared_at      TIMESTAMPTZ,
    notified        BOOLEAN     NOT NULL DEFAULT FALSE,
    notified_at     TIMESTAMPTZ,
    mail_attempts   INTEGER     NOT NULL DEFAULT 0,
    last_mail_error TEXT,
    PRIMARY KEY (partner_id, condition)
);
CREATE INDEX inventory_alerts_to_notify ON inventory_alerts (raised_at) WHERE NOT notified;
