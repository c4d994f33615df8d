-- Fixes to the platform sync and carrier tracking (issue #11 review).

-- A shipment and the PO with its number arriving in two concurrent transactions: neither saw the other's
-- uncommitted row, so both committed unlinked. Both trigger paths now take the same transaction-scoped
-- advisory lock on the PO number before looking for the other side; the second waits for the first to
-- commit, and its next statement (READ COMMITTED, a fresh snapshot per statement) sees the first's row.
CREATE OR REPLACE FUNCTION platform_order_stats_refresh(p_order BIGINT) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF p_order IS NULL THEN
        RETURN;
    END IF;
    -- Lock first, count after: under READ COMMITTED the counting statement then sees every shipment a
    -- concurrent transaction committed while this one waited, so two links to one order never lose one.
    -- NO KEY UPDATE: a PO insert holds KEY SHARE on its order (foreign key) and must not block on, or
    -- deadlock with, a refresh of that order; two refreshes still exclude each other.
    PERFORM 1 FROM platform_orders WHERE id = p_order FOR NO KEY UPDATE;
    WITH s AS (
        SELECT count(*)::int AS total,
               (count(*) FILTER (WHERE t.status_milestone = 'delivered'))::int AS delivered,
               (count(*) FILTER (WHERE t.status_milestone IN ('exception', 'failed_attempt')))::int AS exception
        FROM tracked_shipments t JOIN purchase_orders po ON po.id = t.purchase_order_id
        WHERE po.order_id = p_order),
    f AS (
        SELECT total, delivered, exception, total - delivered - exception AS in_transit,
               CASE WHEN total = 0 THEN 'no_shipments'
                    WHEN exception > 0 THEN 'exception'
                    WHEN delivered = total THEN 'delivered'
                    WHEN delivered > 0 THEN 'partially_delivered'
                    ELSE 'in_transit' END AS derived
        FROM s)
    UPDATE platform_orders o
    SET shipments_total = f.total, shipments_in_transit = f.in_transit, shipments_delivered = f.delivered,
        shipments_exception = f.exception, derived_status = f.derived
    FROM f
    WHERE o.id = p_order
      AND (o.shipments_total, o.shipments_in_transit, o.shipments_delivered, o.shipments_exception, o.derived_status)
          IS DISTINCT FROM (f.total, f.in_transit, f.delivered, f.exception, f.derived);
END
$$;

CREATE OR REPLACE FUNCTION tracked_shipment_resolve_po() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.link_source = 'reference' THEN
        IF NEW.po_number IS NOT NULL THEN
            PERFORM pg_advisory_xact_lock(hashtextextended(NEW.po_number, 0));
        END IF;
        NEW.purchase_order_id := (SELECT id FROM purchase_orders WHERE po_number = NEW.po_number);
    END IF;
    RETURN NEW;
END
$$;

CREATE OR REPLACE FUNCTION purchase_order_link_shipments() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM platform_order_stats_refresh(OLD.order_id);
        RETURN NULL;
    END IF;
    IF TG_OP = 'INSERT' OR OLD.po_number IS DISTINCT FROM NEW.po_number THEN
        -- Lower key first, so two renumberings over the same numbers cannot deadlock.
        PERFORM pg_advisory_xact_lock(k)
        FROM (SELECT DISTINCT hashtextextended(n, 0) AS k
              FROM unnest(ARRAY[NEW.po_number, CASE WHEN TG_OP = 'UPDATE' THEN OLD.po_number END]) AS n
              WHERE n IS NOT NULL ORDER BY 1) AS keys;
    END IF;
    IF TG_OP = 'UPDATE' AND OLD.po_number IS DISTINCT FROM NEW.po_number THEN
        UPDATE tracked_shipments SET purchase_order_id = NULL, updated_at = now()
        WHERE purchase_order_id = NEW.id AND link_source = 'reference' AND po_number IS DISTINCT FROM NEW.po_number;
        UPDATE tracked_shipments SET po_number = NEW.po_number, updated_at = now()
        WHERE purchase_order_id = NEW.id AND link_source = 'manual';
    END IF;
    IF TG_OP = 'INSERT' OR OLD.po_number IS DISTINCT FROM NEW.po_number THEN
        UPDATE tracked_shipments SET purchase_order_id = NEW.id, updated_at = now()
        WHERE po_number = NEW.po_number AND purchase_order_id IS NULL AND link_source = 'reference';
    END IF;
    IF TG_OP = 'UPDATE' AND OLD.order_id IS DISTINCT FROM NEW.order_id THEN
        PERFORM platform_order_stats_refresh(least(OLD.order_id, NEW.order_id));
        PERFORM platform_order_stats_refresh(greatest(OLD.order_id, NEW.order_id));
    END IF;
    RETURN NULL;
END
$$;

-- The sync watermark: where the next incremental run reads from. Kept explicitly rather than taken from the
-- last successful run's start, so that a manual run with a later since cannot move it past a gap it did not
-- read, and so that it is on the platform's clock (the newest updated_at read, minus an overlap).
CREATE TABLE platform_sync_watermark (
    singleton  BOOLEAN     PRIMARY KEY DEFAULT TRUE CHECK (singleton),
    watermark  TIMESTAMPTZ NOT NULL,
    run_id     BIGINT      REFERENCES platform_sync_runs (id) ON DELETE SET NULL,
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
-- Where the old rule would have started the next run.
INSERT INTO platform_sync_watermark (watermark, run_id)
SELECT started_at, id FROM platform_sync_runs WHERE outcome = 'succeeded' ORDER BY started_at DESC LIMIT 1;

ALTER TABLE platform_sync_runs
    -- Whether this run, if it succeeds, may move the watermark (it read from the watermark or earlier).
    ADD COLUMN advances_watermark BOOLEAN NOT NULL DEFAULT FALSE,
    -- The newest platform updated_at this run read.
    ADD COLUMN max_updated_at     TIMESTAMPTZ;

-- GET /platform/orders filters on excluded and sorts newest platform change first with orders never updated
-- last; the V16 index (DESC = NULLS FIRST, no excluded) could not serve that ORDER BY. This one serves both
-- the included and the excluded listing: equality on the leading column, then the listing's order.
DROP INDEX platform_orders_updated;
CREATE INDEX platform_orders_listing ON platform_orders (excluded, platform_updated_at DESC NULLS LAST, id DESC);
