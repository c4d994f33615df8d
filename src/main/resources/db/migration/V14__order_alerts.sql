-- Order alerts and tracking (issue #9, section 4): Shopify's fulfillments of our orders (ours and
-- those made elsewhere), the alerts raised from the order facts, their append-only event stream,
-- and the Shopify connection cursor of each order.

-- Every fulfillment Shopify reports for an order (fulfillments/create|update webhooks and the
-- tracking poller). shipment_id is set when it is the fulfillment of one of our shipments.
CREATE TABLE order_fulfillments (
    id                 BIGSERIAL PRIMARY KEY,
    order_id           BIGINT      NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    fulfillment_gid    TEXT        NOT NULL,
    shipment_id        BIGINT      REFERENCES shipments (id) ON DELETE SET NULL,
    -- Shopify's fulfillment status, lower case: pending, open, success, cancelled, error, failure.
    status             TEXT        NOT NULL,
    -- The carrier's state, lower case (shipment_status): in_transit, out_for_delivery, delivered, failure…
    shipment_status    TEXT,
    tracking_number    TEXT,
    tracking_company   TEXT,
    tracking_url       TEXT,
    shopify_created_at TIMESTAMPTZ,
    -- Shopify's updated_at: an older report of the fulfillment changes nothing; also its last update.
    shopify_updated_at TIMESTAMPTZ NOT NULL,
    created_at         TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at         TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (order_id, fulfillment_gid)
);
CREATE INDEX order_fulfillments_shipment ON order_fulfillments (shipment_id) WHERE shipment_id IS NOT NULL;

-- The units a fulfillment covers; read for fulfillments made outside StoreSync only (ours are counted
-- through their shipment's lines).
CREATE TABLE order_fulfillment_lines (
    fulfillment_id BIGINT  NOT NULL REFERENCES order_fulfillments (id) ON DELETE CASCADE,
    line_item_id   BIGINT  NOT NULL REFERENCES order_line_items (id) ON DELETE CASCADE,
    quantity       INTEGER NOT NULL CHECK (quantity >= 0),
    PRIMARY KEY (fulfillment_id, line_item_id)
);
CREATE INDEX order_fulfillment_lines_line ON order_fulfillment_lines (line_item_id);

ALTER TABLE orders
    -- The Shopify GraphQL connection cursor of the order in the last reconciliation read.
    ADD COLUMN shopify_cursor    TEXT,
    -- When the tracking poller last re-read the order's fulfillments (it takes the least recent first).
    ADD COLUMN tracking_polled_at TIMESTAMPTZ;
CREATE INDEX orders_tracking_poll ON orders (tracking_polled_at NULLS FIRST, id) WHERE cancelled_at IS NULL;

-- The facts now also count fulfillments made outside StoreSync: their units are shipped (so they
-- need no tracking from us), and one in transit counts for delayed with its last Shopify update.
-- A fulfillment Shopify reports delivered is no longer in transit; an order Shopify calls fulfilled
-- needs no tracking.
CREATE OR REPLACE FUNCTION order_ops_refresh(p_order BIGINT) RETURNS void LANGUAGE sql AS $$
    WITH facts AS (
        SELECT o.id,
               o.cancelled_at IS NULL AND o.fulfillment_status IS DISTINCT FROM 'fulfilled' AND EXISTS (
                   SELECT 1 FROM order_line_items li
                   WHERE li.order_id = o.id AND li.requires_shipping AND li.quantity > COALESCE(
                       (SELECT sum(sl.quantity) FROM shipment_line_items sl JOIN shipments s ON s.id = sl.shipment_id
                        WHERE sl.line_item_id = li.id AND s.status = 'shipped'), 0) + COALESCE(
                       (SELECT sum(fl.quantity) FROM order_fulfillment_lines fl JOIN order_fulfillments f ON f.id = fl.fulfillment_id
                        WHERE fl.line_item_id = li.id AND f.shipment_id IS NULL AND f.status IN ('success', 'open', 'pending')), 0)
               ) AS needs_tracking,
               EXISTS (SELECT 1 FROM shipments s WHERE s.order_id = o.id AND s.status = 'shipped'
                                                     AND s.sync_status = 'failed') AS sync_failed,
               (SELECT min(t.last_update) FROM (
                    SELECT GREATEST(s.synced_at, (SELECT max(f.shopify_updated_at) FROM order_fulfillments f
                                                  WHERE f.shipment_id = s.id)) AS last_update
                    FROM shipments s
                    WHERE s.order_id = o.id AND s.status = 'shipped' AND s.sync_status = 'synced'
                      AND NOT EXISTS (SELECT 1 FROM order_fulfillments f WHERE f.shipment_id = s.id
                                                                           AND f.shipment_status = 'delivered')
                    UNION ALL
                    SELECT f.shopify_updated_at FROM order_fulfillments f
                    WHERE f.order_id = o.id AND f.shipment_id IS NULL AND f.status = 'success'
                      AND f.tracking_number IS NOT NULL AND f.shipment_status IS DISTINCT FROM 'delivered') t
               ) AS transit_since
        FROM orders o WHERE o.id = p_order)
    UPDATE orders o SET needs_tracking = f.needs_tracking, sync_failed = f.sync_failed, transit_since = f.transit_since
    FROM facts f
    WHERE o.id = f.id
      AND (o.needs_tracking, o.sync_failed, o.transit_since) IS DISTINCT FROM (f.needs_tracking, f.sync_failed, f.transit_since)
$$;

CREATE OR REPLACE FUNCTION order_ops_refresh_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_TABLE_NAME = 'orders' THEN
        PERFORM order_ops_refresh(NEW.id);
    ELSIF TG_TABLE_NAME = 'shipment_line_items' THEN
        PERFORM order_ops_refresh((SELECT order_id FROM shipments WHERE id = NEW.shipment_id));
    ELSIF TG_TABLE_NAME = 'order_fulfillment_lines' THEN
        PERFORM order_ops_refresh((SELECT order_id FROM order_fulfillments WHERE id = NEW.fulfillment_id));
    ELSE
        PERFORM order_ops_refresh(NEW.order_id);
    END IF;
    RETURN NULL;
END
$$;

DROP TRIGGER orders_ops_refresh ON orders;
CREATE TRIGGER orders_ops_refresh AFTER INSERT OR UPDATE OF cancelled_at, fulfillment_status ON orders
    FOR EACH ROW EXECUTE FUNCTION order_ops_refresh_trigger();
CREATE TRIGGER order_fulfillments_ops_refresh AFTER INSERT OR UPDATE ON order_fulfillments
    FOR EACH ROW EXECUTE FUNCTION order_ops_refresh_trigger();
CREATE TRIGGER order_fulfillment_lines_ops_refresh AFTER INSERT OR UPDATE ON order_fulfillment_lines
    FOR EACH ROW EXECUTE FUNCTION order_ops_refresh_trigger();

-- --- Alerts ------------------------------------------------------------------------------------

CREATE TABLE order_alerts (
    id         BIGSERIAL PRIMARY KEY,
    order_id   BIGINT      NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    kind       TEXT        NOT NULL CHECK (kind IN ('tracking_pending', 'delayed', 'sync_failed', 'data_gap')),
    raised_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    cleared_at TIMESTAMPTZ,
    details    JSONB       NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(details) = 'object'),
    CHECK (cleared_at IS NULL OR cleared_at >= raised_at)
);
-- At most one open alert per order and kind.
CREATE UNIQUE INDEX order_alerts_open ON order_alerts (order_id, kind) WHERE cleared_at IS NULL;

-- Append-only stream of alert changes; id is the SSE event id. Rows are appended only under the
-- advisory lock below, held to commit, so ids become visible in id order: a reader that saw id N
-- never sees a smaller id appear later (resume without gaps).
CREATE TABLE alert_events (
    id          BIGSERIAL PRIMARY KEY,
    type        TEXT        NOT NULL CHECK (type IN ('alert_raised', 'alert_cleared')),
    alert_id    BIGINT      NOT NULL,
    kind        TEXT        NOT NULL,
    -- Copied, not referenced: the stream outlives a deleted order.
    order_gid   TEXT        NOT NULL,
    order_name  TEXT        NOT NULL,
    shop_domain TEXT        NOT NULL,
    raised_at   TIMESTAMPTZ NOT NULL,
    cleared_at  TIMESTAMPTZ,
    details     JSONB       NOT NULL DEFAULT '{}'::jsonb,
    at          TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp()
);

-- The clock thresholds, written by the application from its settings (one row); the SQL below
-- falls back to the defaults until then.
CREATE TABLE order_alert_settings (
    singleton              BOOLEAN  PRIMARY KEY DEFAULT TRUE CHECK (singleton),
    tracking_pending_after INTERVAL NOT NULL,
    delayed_after          INTERVAL NOT NULL,
    updated_at             TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Opens (p_open) or clears the order's alert of a kind, and appends the change to alert_events with
-- a NOTIFY of its id (delivered at commit). Answers whether anything changed.
CREATE FUNCTION order_alert_set(p_order BIGINT, p_kind TEXT, p_open BOOLEAN, p_details JSONB DEFAULT '{}'::jsonb)
RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE
    a order_alerts%ROWTYPE;
    event_id BIGINT;
BEGIN
    IF p_open = EXISTS (SELECT 1 FROM order_alerts WHERE order_id = p_order AND kind = p_kind AND cleared_at IS NULL) THEN
        RETURN FALSE;
    END IF;
    PERFORM pg_advisory_xact_lock(hashtext('storesync.alert_events'));
    IF p_open THEN
        INSERT INTO order_alerts (order_id, kind, details) VALUES (p_order, p_kind, COALESCE(p_details, '{}'::jsonb))
        ON CONFLICT (order_id, kind) WHERE cleared_at IS NULL DO NOTHING
        RETURNING * INTO a;
    ELSE
        UPDATE order_alerts SET cleared_at = GREATEST(now(), raised_at)
        WHERE order_id = p_order AND kind = p_kind AND cleared_at IS NULL
        RETURNING * INTO a;
    END IF;
    IF a.id IS NULL THEN
        RETURN FALSE;
    END IF;
    INSERT INTO alert_events (type, alert_id, kind, order_gid, order_name, shop_domain, raised_at, cleared_at, details)
    SELECT CASE WHEN p_open THEN 'alert_raised' ELSE 'alert_cleared' END, a.id, a.kind, o.gid, o.name, sh.domain,
           a.raised_at, a.cleared_at, a.details
    FROM orders o JOIN shops sh ON sh.id = o.shop_id WHERE o.id = p_order
    RETURNING id INTO event_id;
    PERFORM pg_notify('storesync_alerts', event_id::text);
    RETURN TRUE;
END
$$;

-- Brings the order's fact-based alerts in line with its facts: sync_failed, tracking_pending (past
-- the threshold) and delayed (past the threshold) are open exactly while their rule holds; a
-- cancelled or fulfilled order also has its data_gap cleared. Called at commit of every change of
-- the facts (trigger below) and by the periodic evaluation as time passes.
CREATE FUNCTION order_alerts_sync(p_order BIGINT) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    o RECORD;
    tracking_after INTERVAL;
    delayed_after INTERVAL;
BEGIN
    SELECT s.tracking_pending_after, s.delayed_after INTO tracking_after, delayed_after FROM order_alert_settings s;
    SELECT id, needs_tracking, sync_failed, transit_since, cancelled_at, shopify_created_at, fulfillment_status
    INTO o FROM orders WHERE id = p_order;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    PERFORM order_alert_set(p_order, 'sync_failed', o.cancelled_at IS NULL AND o.sync_failed);
    PERFORM order_alert_set(p_order, 'tracking_pending', o.cancelled_at IS NULL AND o.needs_tracking
        AND COALESCE(o.shopify_created_at < now() - COALESCE(tracking_after, interval '2 hours'), FALSE));
    PERFORM order_alert_set(p_order, 'delayed', o.cancelled_at IS NULL
        AND COALESCE(o.transit_since < now() - COALESCE(delayed_after, interval '24 hours'), FALSE));
    IF o.cancelled_at IS NOT NULL OR o.fulfillment_status = 'fulfilled' THEN
        PERFORM order_alert_set(p_order, 'data_gap', FALSE);
    END IF;
END
$$;

CREATE FUNCTION order_alerts_sync_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM order_alerts_sync(NEW.id);
    RETURN NULL;
END
$$;

-- Deferred to commit: the alert lock is then taken after every row lock the transaction takes, so it
-- cannot invert the order-row-first lock order of the write paths.
CREATE CONSTRAINT TRIGGER orders_alerts_sync
    AFTER INSERT OR UPDATE OF needs_tracking, sync_failed, transit_since, cancelled_at, fulfillment_status ON orders
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION order_alerts_sync_trigger();
