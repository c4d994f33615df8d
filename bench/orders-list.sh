#!/usr/bin/env bash
# Orders dashboard list benchmark: GET /sync/orders on a large shop, per tab and filter.
# Seeds ORDERS orders (default 100,000) with two lines each, shipments on most of them (synced,
# pending, failed, cancelled) and three timeline events each, straight into PostgreSQL; then, for
# each tab and filter combination, measures latency with wrk (p50/p99) and records the query plans
# PostgreSQL chose (auto_explain) so that index use is visible.
#
# Self-contained (a throwaway PostgreSQL and the packaged service on free loopback ports):
#   ./mvnw -B -q package -DskipTests && bench/orders-list.sh
# Knobs: ORDERS (100000), DURATION per combination in seconds (5), CONNECTIONS (4), THREADS (2).
# Needs: wrk, psql, curl, PostgreSQL server binaries (Debian: apt-get install -y wrk postgresql
# postgresql-client curl).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"
ORDERS="${ORDERS:-100000}"
DURATION="${DURATION:-5}"
CONNECTIONS="${CONNECTIONS:-4}"
THREADS="${THREADS:-2}"

for tool in wrk psql curl; do
  command -v "$tool" >/dev/null || { echo "Missing $tool. On Debian: apt-get install -y wrk postgresql postgresql-client curl" >&2; exit 1; }
done
JAR="$ROOT/target/quarkus-app/quarkus-run.jar"
[[ -f "$JAR" ]] || { echo "Build first: ./mvnw -B -q package -DskipTests" >&2; exit 1; }

WORK="$(mktemp -d /tmp/storesync-bench.XXXXXX)"
chmod 755 "$WORK"
APP_PID=""
PGBIN=""
cleanup() {
  if [[ -n "$APP_PID" ]]; then kill "$APP_PID" 2>/dev/null || true; wait "$APP_PID" 2>/dev/null || true; fi
  stop_postgres "$WORK/pgdata"
  rm -rf "$WORK"
}
trap cleanup EXIT

# auto_explain is loaded but silent (its default, -1) until the plan pass switches it on (ALTER SYSTEM:
# a -c option would override that).
start_postgres "$WORK/pgdata" -c shared_preload_libraries=auto_explain
export PGHOST=127.0.0.1 PGPORT="$PG_PORT" PGUSER=storesync PGDATABASE=storesync PGPASSWORD=""
APP_PORT="$(free_port)"
BASE_URL="http://127.0.0.1:$APP_PORT"
ADMIN_KEY="bench-admin-key"
STORESYNC_DB_URL="postgresql://127.0.0.1:$PG_PORT/storesync" STORESYNC_DB_USER=storesync STORESYNC_DB_PASSWORD="" \
STORESYNC_BOOTSTRAP_ADMIN_KEY="$ADMIN_KEY" STORESYNC_SHOPIFY_CLIENT_SECRET="bench-secret" \
STORESYNC_CRYPTO_KEYS="bench:$(head -c 32 /dev/urandom | base64)" STORESYNC_CRYPTO_ACTIVE_KEY_ID=bench \
STORESYNC_FULFILLMENT_POLL_INTERVAL=1H STORESYNC_RECONCILIATION_INTERVAL=24H \
PORT="$APP_PORT" java -jar "$JAR" >"$WORK/app.log" 2>&1 &
APP_PID=$!
for _ in $(seq 1 90); do
  curl -fs "$BASE_URL/q/health/ready" >/dev/null 2>&1 && break
  sleep 1
done
curl -fs "$BASE_URL/q/health/ready" >/dev/null || { echo "Service did not become ready:" >&2; tail -20 "$WORK/app.log" >&2; exit 1; }

echo "Seeding $ORDERS orders…" >&2
seed_start=$(date +%s)
# Triggers are off while seeding (session_replication_role = replica) and the facts they keep are
# computed once afterwards with the same function, which is what the triggers would have left.
psql -qAt -v ON_ERROR_STOP=1 -v n="$ORDERS" >/dev/null <<'SQL'
SET session_replication_role = replica;
INSERT INTO shops (domain, api_version) VALUES ('bench-list.myshopify.com', '2026-10'), ('bench-other.myshopify.com', '2026-10');
INSERT INTO vendors (name) VALUES ('bench vendor');
INSERT INTO orders (shop_id, shopify_id, gid, name, shopify_created_at, shopify_updated_at, shopify_observed_at,
                    cancelled_at, financial_status, fulfillment_status, customer_name)
SELECT CASE WHEN g % 10 = 0 THEN (SELECT id FROM shops WHERE domain = 'bench-other.myshopify.com')
            ELSE (SELECT id FROM shops WHERE domain = 'bench-list.myshopify.com') END,
       5000000000000 + g, 'gid://shopify/Order/' || (5000000000000 + g), '#' || (1000 + g),
       now() - (g * interval '5 minutes'), now() - (g * interval '4 minutes'), now(),
       CASE WHEN g % 50 = 3 THEN now() - (g * interval '4 minutes') END,
       (ARRAY['paid', 'paid', 'paid', 'pending', 'refunded', 'partially_refunded'])[1 + g % 6],
       CASE WHEN g % 5 IN (0, 1) THEN 'fulfilled' WHEN g % 5 = 2 THEN 'partial' END,
       'Customer ' || g
FROM generate_series(1, :n) AS g;
INSERT INTO order_line_items (order_id, shopify_id, gid, sku, title, quantity, ordered_quantity, requires_shipping, vendor_id, shopify_vendor)
SELECT o.id, o.shopify_id * 10 + l, 'gid://shopify/LineItem/' || (o.shopify_id * 10 + l), 'SKU-' || l, 'Item ' || l,
       1 + (o.id % 3)::int, 1 + (o.id % 3)::int, TRUE, (SELECT id FROM vendors LIMIT 1), 'bench vendor'
FROM orders o CROSS JOIN generate_series(1, 2) AS l;
-- Shipments on 3 orders in 5: most synced (some long ago, so delayed/urgent), some pending or failed.
INSERT INTO shipments (order_id, vendor_id, tracking_number, carrier, status, sync_status, synced_at, created_by, created_at,
                       cancelled_at)
SELECT o.id, (SELECT id FROM vendors LIMIT 1), 'TRK' || o.id, 'Yamato',
       CASE WHEN o.id % 97 = 0 THEN 'cancelled' ELSE 'shipped' END,
       CASE WHEN o.id % 97 = 0 THEN 'cancelled' WHEN o.id % 31 = 0 THEN 'failed' WHEN o.id % 7 = 0 THEN 'pending' ELSE 'synced' END,
       CASE WHEN o.id % 97 <> 0 AND o.id % 31 <> 0 AND o.id % 7 <> 0 THEN o.shopify_created_at + interval '3 hours' END,
       'bench', o.shopify_created_at + interval '1 hour',
       CASE WHEN o.id % 97 = 0 THEN o.shopify_created_at + interval '2 hours' END
FROM orders o WHERE o.id % 5 IN (0, 1, 2);
INSERT INTO shipment_line_items (shipment_id, line_item_id, quantity)
SELECT s.id, li.id, li.quantity FROM shipments s JOIN order_line_items li ON li.order_id = s.order_id;
INSERT INTO order_events (order_id, ts, event, details)
SELECT o.id, o.shopify_created_at + e * interval '1 hour',
       (ARRAY['order_created', 'shipment_registered', 'shipment_synced'])[e], jsonb_build_object('n', e)
FROM orders o CROSS JOIN generate_series(1, 3) AS e;
ANALYZE;
-- Triggers stay off for the facts too: with them on, every order's commit-time alert trigger would
-- queue in this one transaction. The alerts are raised afterwards by the same function the trigger
-- calls, in transactions of 10,000 orders (as separate imports would).
SELECT count(*) FROM (SELECT order_ops_refresh(id) FROM orders) AS refreshed;
SET session_replication_role = origin;
SQL
for from in $(seq 0 10000 "$ORDERS"); do
  psql -qAt -v ON_ERROR_STOP=1 -c "SELECT count(*) FROM (SELECT order_alerts_sync(id) FROM orders WHERE id > $from AND id <= $((from + 10000))) AS raised" >/dev/null
done
psql -qAt -v ON_ERROR_STOP=1 -c "VACUUM ANALYZE" >/dev/null
echo "Open alerts: $(psql -qAtc "SELECT string_agg(kind || ' ' || n, ', ') FROM (SELECT kind, count(*) AS n FROM order_alerts WHERE cleared_at IS NULL GROUP BY kind) a")" >&2
echo "Seeded in $(( $(date +%s) - seed_start )) s" >&2

SHOP="bench-list.myshopify.com"
FROM="$(date -u -d '-30 days' +%Y-%m-%dT%H:%M:%SZ)"
TO="$(date -u -d '-10 days' +%Y-%m-%dT%H:%M:%SZ)"
# name|query string
COMBOS=(
  "all (all shops)|"
  "all|shop_domain=$SHOP"
  "unfulfilled|shop_domain=$SHOP&tab=unfulfilled"
  "tracking_pending|shop_domain=$SHOP&tab=tracking_pending"
  "delayed|shop_domain=$SHOP&tab=delayed"
  "returns|shop_domain=$SHOP&tab=returns"
  "support|shop_domain=$SHOP&tab=support"
  "assigned|shop_domain=$SHOP&tab=assigned"
  "status=fulfilled|shop_domain=$SHOP&status=fulfilled"
  "status=partially_fulfilled|shop_domain=$SHOP&status=partially_fulfilled"
  "status=cancelled|shop_domain=$SHOP&status=cancelled"
  "priority=urgent|shop_domain=$SHOP&priority=urgent"
  "priority=high|shop_domain=$SHOP&priority=high"
  "priority=normal|shop_domain=$SHOP&priority=normal"
  "assigned_to=kana|shop_domain=$SHOP&assigned_to=kana"
  "date range (20 days)|shop_domain=$SHOP&date_start=$FROM&date_end=$TO"
  "unfulfilled + high + date range|shop_domain=$SHOP&tab=unfulfilled&priority=high&date_start=$FROM&date_end=$TO"
  "pageSize=100|shop_domain=$SHOP&pageSize=100"
  "page 2 (ofs:p)|shop_domain=$SHOP&cursor=ofs:p"
  "page 400 (ofs:7ps, offset 10,000)|shop_domain=$SHOP&cursor=ofs:7ps"
  "prev from offset 10,000|shop_domain=$SHOP&cursor=ofs:7ps&direction=prev"
)

echo "Plans (auto_explain):" >&2
PLANS="$WORK/plans.txt"
: >"$PLANS"
psql -qAtc "ALTER SYSTEM SET auto_explain.log_min_duration = 0" -c "SELECT pg_reload_conf()" >/dev/null
sleep 1
for combo in "${COMBOS[@]}"; do
  name="${combo%%|*}"; qs="${combo#*|}"
  before=$(wc -l <"$WORK/pgdata/server.log")
  curl -fs -o /dev/null -H "Authorization: Bearer $ADMIN_KEY" "$BASE_URL/sync/orders?$qs"
  sleep 0.3
  {
    echo "## $name"
    # The list query is the plan whose text reads orders with ORDER BY shopify_created_at; its scan nodes.
    tail -n +"$((before + 1))" "$WORK/pgdata/server.log" \
      | awk '/plan:/{p=0} /Query Text: SELECT o\.id, o\.gid/{p=1} p' \
      | grep -E "Scan|Sort|Limit|Index Cond|Filter" | sed 's/^[[:space:]]*/    /' | head -12 || true
  } >>"$PLANS"
done
psql -qAtc "ALTER SYSTEM SET auto_explain.log_min_duration = -1" -c "SELECT pg_reload_conf()" >/dev/null

LUA="$WORK/auth.lua"
printf 'wrk.headers["Authorization"] = "Bearer %s"\n' "$ADMIN_KEY" >"$LUA"
printf '\n| query | orders on page 1 | req/s | p50 | p99 |\n|---|---|---|---|---|\n'
for combo in "${COMBOS[@]}"; do
  name="${combo%%|*}"; qs="${combo#*|}"
  url="$BASE_URL/sync/orders?$qs"
  shown=$(curl -fs -H "Authorization: Bearer $ADMIN_KEY" "$url" | { grep -o "\"legacyId\"" || true; } | wc -l)
  # Warm-up (JIT, plan caches) at the measured concurrency, then the measured run.
  wrk -t"$THREADS" -c"$CONNECTIONS" -d3s -s "$LUA" "$url" >/dev/null
  out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency -s "$LUA" "$url")
  rps=$(awk '/Requests\/sec/{print $2}' <<<"$out")
  p50=$(awk '$1=="50%"{print $2}' <<<"$out")
  p99=$(awk '$1=="99%"{print $2}' <<<"$out")
  non2xx=$(awk '/Non-2xx/{print $NF}' <<<"$out")
  [[ -n "$non2xx" ]] && name="$name (non-2xx: $non2xx)"
  printf '| %s | %s | %s | %s | %s |\n' "$name" "$shown" "$rps" "$p50" "$p99"
done
echo
cat "$PLANS"
