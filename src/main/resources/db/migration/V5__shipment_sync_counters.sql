-- Waiting for a fulfillable fulfillment order and failing transiently (5xx, timeouts, throttling)
-- are counted apart: a run of transient failures must not use up the FO wait's attempts, and it is
-- bounded on its own. sync_retry_count keeps counting FO waits.
ALTER TABLE shipments ADD COLUMN sync_transient_count INTEGER NOT NULL DEFAULT 0;
COMMENT ON COLUMN shipments.sync_retry_count IS 'attempts that found no fulfillable fulfillment order';
COMMENT ON COLUMN shipments.sync_transient_count IS 'consecutive attempts that failed transiently';
-- Set when a fulfillmentCreate got no clear answer (it may exist in Shopify without being recorded
-- here): a cancel then looks in Shopify for fulfillments carrying the tracking number.
ALTER TABLE shipments ADD COLUMN sync_create_unconfirmed BOOLEAN NOT NULL DEFAULT FALSE;
