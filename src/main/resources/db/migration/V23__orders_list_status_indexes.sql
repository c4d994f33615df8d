-- GET /sync/orders?status=…: a status held by few of a shop's orders (cancelled, often fulfilled or
-- partially fulfilled) made the list walk the shop's whole created-at index to fill a page
-- (bench/orders-list.sh: 31 ms p50 on 100,000 orders for a status no order had). With the status
-- leading, each status filter reads only its own rows, already in the list's order.
CREATE INDEX orders_list_cancelled ON orders (shop_id, shopify_created_at DESC NULLS LAST, id DESC)
    WHERE cancelled_at IS NOT NULL;
CREATE INDEX orders_list_status ON orders (shop_id, fulfillment_status, shopify_created_at DESC NULLS LAST, id DESC)
    WHERE cancelled_at IS NULL;
