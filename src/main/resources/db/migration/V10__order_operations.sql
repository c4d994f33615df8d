-- Orders operations for the dashboard (issue #9, first step): the order timeline, and the per-order
-- facts the list's tabs and priority filter on.

-- One history per order, written by the code path that causes each event, in its transaction.
CREATE TABLE order_events (
    id        BIGSERIAL PRIMARY KEY,
    order_id  BIGINT      NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    ts        TIMESTAMPTZ NOT NULL DEFAULT now(),
    event     TEXT        NOT NULL CHECK (length(event) > 0),
    details   JSONB       NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(details) = 'object')
);
-- id breaks ties between events of one transaction (same now()) and makes the timeline's keyset exact.
CREATE INDEX order_events_order_ts ON order_events (order_id, ts DESC, id DESC);

-- Tabs and priority depend on facts spread over lines and shipments, and on the clock. The facts are
-- kept on the order by triggers (so no write path can forget them), and the clock part stays in the
-- query as a range on a stored timestamp: every tab and priority filter is then an index range, not
-- an aggregate over every order's shipments. (An expression index cannot hold now()-relative rules.)
ALTER TABLE orders
    -- Open order with a line that requires shipping and has units no active shipment holds.
    ADD COLUMN needs_tracking BOOLEAN NOT NULL DEFAULT FALSE,
    -- Some active shipment's sync failed (an operator must act).
    ADD COLUMN sync_failed    BOOLEAN NOT NULL DEFAULT FALSE,
    -- Oldest last update (synced_at) of the order's synced, active shipments; NULL when none.
    ADD COLUMN transit_since  TIMESTAMPTZ;
COMMENT ON COLUMN orders.needs_tracking IS 'maintained by order_ops_refresh: open order with unshipped units of a shipping line';
COMMENT ON COLUMN orders.sync_failed IS 'maintained by order_ops_refresh: an active shipment''s sync failed';
COMMENT ON COLUMN orders.transit_since IS 'maintained by order_ops_refresh: oldest synced_at of synced active shipments';

CREATE INDEX orders_list ON orders (shop_id, shopify_created_at DESC NULLS LAST, id DESC);
CREATE INDEX orders_list_all_shops ON orders (shopify_created_at DESC NULLS LAST, id DESC);
CREATE INDEX orders_needs_tracking ON orders (shop_id, shopify_created_at) WHERE needs_tracking;
CREATE INDEX orders_sync_failed ON orders (shop_id) WHERE sync_failed;
CREATE INDEX orders_transit_since ON orders (shop_id, transit_since) WHERE transit_since IS NOT NULL;
CREATE INDEX orders_fulfillment_status ON orders (shop_id, fulfillment_status);

CREATE FUNCTION order_ops_refresh(p_order BIGINT) RETURNS void LANGUAGE sql AS $$
    WITH facts AS (
        SELECT o.id,
               o.cancelled_at IS NULL AND EXISTS (
                   SELECT 1 FROM order_line_items li
                   WHERE li.order_id = o.id AND li.requires_shipping AND li.quantity > COALESCE(
                       (SELECT sum(sl.quantity) FROM shipment_line_items sl JOIN shipments s ON s.id = sl.shipment_id
                        WHERE sl.line_item_id = li.id AND s.status = 'shipped'), 0)) AS needs_tracking,
               EXISTS (SELECT 1 FROM shipments s WHERE s.order_id = o.id AND s.status = 'shipped'
                                                     AND s.sync_status = 'failed') AS sync_failed,
               (SELECT min(s.synced_at) FROM shipments s WHERE s.order_id = o.id AND s.status = 'shipped'
                                                         AND s.sync_status = 'synced') AS transit_since
        FROM orders o WHERE o.id = p_order)
    UPDATE orders o SET needs_tracking = f.needs_tracking, sync_failed = f.sync_failed, transit_since = f.transit_since
    FROM facts f
    WHERE o.id = f.id
      -- Unchanged facts write nothing and take no row lock.
      AND (o.needs_tracking, o.sync_failed, o.transit_since) IS DISTINCT FROM (f.needs_tracking, f.sync_failed, f.transit_since)
$$;

CREATE FUNCTION order_ops_refresh_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_TABLE_NAME = 'orders' THEN
        PERFORM order_ops_refresh(NEW.id);
    ELSIF TG_TABLE_NAME = 'shipment_line_items' THEN
        PERFORM order_ops_refresh((SELECT order_id FROM shipments WHERE id = NEW.shipment_id));
    ELSE
        PERFORM order_ops_refresh(NEW.order_id);
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER orders_ops_refresh AFTER INSERT OR UPDATE OF cancelled_at ON orders
    FOR EACH ROW EXECUTE FUNCTION order_ops_refresh_trigger();
CREATE TRIGGER order_line_items_ops_refresh AFTER INSERT OR UPDATE OF quantity, requires_shipping ON order_line_items
    FOR EACH ROW EXECUTE FUNCTION order_ops_refresh_trigger();
CREATE TRIGGER shipment_line_items_ops_refresh AFTER INSERT ON shipment_line_items
    FOR EACH ROW EXECUTE FUNCTION order_ops_refresh_trigger();
-- Claims and retries rewrite shipments often; only a change of the facts' inputs refreshes the order.
CREATE TRIGGER shipments_ops_refresh AFTER UPDATE OF status, sync_status, synced_at ON shipments
    FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.sync_status IS DISTINCT FROM NEW.sync_status
                       OR OLD.synced_at IS DISTINCT FROM NEW.synced_at)
    EXECUTE FUNCTION order_ops_refresh_trigger();

-- Orders that exist already.
UPDATE orders o SET needs_tracking = o.cancelled_at IS NULL AND EXISTS (
        SELECT 1 FROM order_line_items li
        WHERE li.order_id = o.id AND li.requires_shipping AND li.quantity > COALESCE(
            (SELECT sum(sl.quantity) FROM shipment_line_items sl JOIN shipments s ON s.id = sl.shipment_id
             WHERE sl.line_item_id = li.id AND s.status = 'shipped'), 0)),
    sync_failed = EXISTS (SELECT 1 FROM shipments s WHERE s.order_id = o.id AND s.status = 'shipped'
                                                  AND s.sync_status = 'failed'),
    transit_since = (SELECT min(s.synced_at) FROM shipments s WHERE s.order_id = o.id AND s.status = 'shipped'
                                                          AND s.sync_status = 'synced');
