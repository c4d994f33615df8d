-- Crash recovery (issue 13, section 3): each running instance of the service renews its row every few
-- seconds. Work claimed under an instance id whose row has gone stale belongs to a dead instance and is
-- rescued at once, instead of after the claim's lease; a live instance's claims are never touched.
CREATE TABLE instance_heartbeats (
    instance_id   TEXT PRIMARY KEY,
    started_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    heartbeat_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX instance_heartbeats_heartbeat_at ON instance_heartbeats (heartbeat_at);

-- Which instance holds a shipment's sync claim (webhook_inbox.attempted_by and job_leases.holder
-- already name it).
ALTER TABLE shipments ADD COLUMN sync_claimed_by TEXT;
