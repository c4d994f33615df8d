#!/usr/bin/env bash
# Order alerts SSE fan-out benchmark (issue #9, section 6): SUBSCRIBERS Server-Sent Events clients on
# GET /sync/orders/alerts, ALERTS alerts raised one transaction each by changing order facts in SQL;
# for every (subscriber, alert) the delay from the raise to the event's arrival: p50/p95/p99/max,
# missing deliveries (must be 0), and the service's RSS and CPU. Goal: p99 <= 1 s at 500 subscribers.
#
# Self-contained (a throwaway PostgreSQL and the packaged service on free loopback ports):
#   ./mvnw -B -q package -DskipTests && bench/alerts-sse.sh
# Knobs: SUBSCRIBERS (500), ALERTS (50), RATE alerts per second (10), WARMUP alerts raised at RATE once
# every subscriber is ready, not counted (10), ORDERS seeded (300; 9 in 10 are raisable), STORESYNC_DB_POOL_SIZE (the service default, 20), TIMEOUT for the
# driver in seconds (300).
# Output: the driver's JSON summary, then a readable summary; exit status 2 when a delivery is
# missing or an UPDATE did not append exactly one event.
# Needs: python3 (standard library only; driver bench/alerts_sse_driver.py), psql, curl, PostgreSQL
# server binaries (Debian: apt-get install -y postgresql postgresql-client curl).
#
# How an alert is raised: each raisable order has one shipped shipment (all its units) whose sync is
# pending. `UPDATE shipments SET sync_status = 'failed'` (autocommit: its own transaction) makes the
# shipments trigger refresh the order's facts (sync_failed), the commit-time trigger re-applies the
# alert rules (order_alerts_sync → order_alert_set), which appends one alert_raised row to
# alert_events and NOTIFYs storesync_alerts with its id at commit; every SSE client then re-reads
# the events after its position. The raise time is the alert_events row's `at` (clock_timestamp()
# at the INSERT, just before COMMIT; read from the event's own JSON), the driver also reports the
# delay from its own clock just after COMMIT returned. Same machine, same wall clock.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"
SUBSCRIBERS="${SUBSCRIBERS:-500}"
ALERTS="${ALERTS:-50}"
RATE="${RATE:-10}"
ORDERS="${ORDERS:-300}"
WARMUP="${WARMUP:-10}"
TIMEOUT="${TIMEOUT:-300}"
(( ORDERS * 9 / 10 > WARMUP + ALERTS + 5 )) || { echo "ORDERS ($ORDERS): 9 in 10 must exceed WARMUP + ALERTS + 5" >&2; exit 1; }

for tool in python3 psql curl; do
  command -v "$tool" >/dev/null || { echo "Missing $tool. On Debian: apt-get install -y python3 postgresql postgresql-client curl" >&2; exit 1; }
done
JAR="$ROOT/target/quarkus-app/quarkus-run.jar"
[[ -f "$JAR" ]] || { echo "Build first: ./mvnw -B -q package -DskipTests" >&2; exit 1; }
# Two sockets per subscriber on this machine (client and service) plus the JVM's own files.
ulimit -n "$(( $(ulimit -Hn) < 8192 ? $(ulimit -Hn) : 8192 ))" 2>/dev/null || true

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

# Ports below the kernel's ephemeral range: 1,000 client sockets of an earlier run linger there in
# TIME_WAIT, where lib.sh's connect probe sees a free port that PostgreSQL then cannot bind.
low_free_port() {
  local low port
  low="$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)"
  (( low > 20000 + 1000 )) || { free_port; return; }
  for _ in $(seq 1 50); do
    port=$((20000 + RANDOM % (low - 20000)))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return; fi
  done
  free_port
}
PG_PORT="${PG_PORT:-$(low_free_port)}"

echo "Load average at start: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) cores)" >&2
start_postgres "$WORK/pgdata" -c max_connections=100
export PGHOST=127.0.0.1 PGPORT="$PG_PORT" PGUSER=storesync PGDATABASE=storesync PGPASSWORD=""
APP_PORT="$(low_free_port)"
[[ "$APP_PORT" != "$PG_PORT" ]] || APP_PORT="$(low_free_port)"
BASE_URL="http://127.0.0.1:$APP_PORT"
ADMIN_KEY="bench-admin-key"
# The tracking poller is pushed out of the run (its refresh ping would wake every client); the
# keep-alive and the alert evaluation keep their defaults (15 s, 1 min).
STORESYNC_DB_URL="postgresql://127.0.0.1:$PG_PORT/storesync" STORESYNC_DB_USER=storesync STORESYNC_DB_PASSWORD="" \
STORESYNC_BOOTSTRAP_ADMIN_KEY="$ADMIN_KEY" STORESYNC_SHOPIFY_CLIENT_SECRET="bench-secret" \
STORESYNC_CRYPTO_KEYS="bench:$(head -c 32 /dev/urandom | base64)" STORESYNC_CRYPTO_ACTIVE_KEY_ID=bench \
STORESYNC_FULFILLMENT_POLL_INTERVAL=1H STORESYNC_RECONCILIATION_INTERVAL=24H STORESYNC_TRACKING_POLL_INTERVAL=1H \
PORT="$APP_PORT" java -jar "$JAR" >"$WORK/app.log" 2>&1 &
APP_PID=$!
for _ in $(seq 1 90); do
  curl -fs "$BASE_URL/q/health/ready" >/dev/null 2>&1 && break
  sleep 1
done
curl -fs "$BASE_URL/q/health/ready" >/dev/null || { echo "Service did not become ready:" >&2; tail -20 "$WORK/app.log" >&2; exit 1; }

echo "Seeding $ORDERS orders…" >&2
# Every order: two lines, one shipped shipment covering them, created 10 minutes ago (no
# tracking_pending, nothing in transit). One in ten has its shipment's sync failed (an open
# sync_failed alert, so the stream has history); the others' syncs are pending: the raisable ones.
psql -qAt -v ON_ERROR_STOP=1 -v n="$ORDERS" >/dev/null <<'SQL'
SET session_replication_role = replica;
INSERT INTO shops (domain, api_version) VALUES ('bench-alerts.myshopify.com', '2026-10');
INSERT INTO vendors (name) VALUES ('bench vendor');
INSERT INTO orders (shop_id, shopify_id, gid, name, shopify_created_at, shopify_updated_at, shopify_observed_at,
                    financial_status, customer_name)
SELECT (SELECT id FROM shops), 6000000000000 + g, 'gid://shopify/Order/' || (6000000000000 + g), '#' || (1000 + g),
       now() - interval '10 minutes', now() - interval '10 minutes', now(), 'paid', 'Customer ' || g
FROM generate_series(1, :n) AS g;
INSERT INTO order_line_items (order_id, shopify_id, gid, sku, title, quantity, ordered_quantity, requires_shipping, vendor_id, shopify_vendor)
SELECT o.id, o.shopify_id * 10 + l, 'gid://shopify/LineItem/' || (o.shopify_id * 10 + l), 'SKU-' || l, 'Item ' || l,
       1, 1, TRUE, (SELECT id FROM vendors), 'bench vendor'
FROM orders o CROSS JOIN generate_series(1, 2) AS l;
INSERT INTO shipments (order_id, vendor_id, tracking_number, carrier, status, sync_status, created_by, created_at)
SELECT o.id, (SELECT id FROM vendors), 'TRK' || o.id, 'Yamato', 'shipped',
       CASE WHEN o.id % 10 = 0 THEN 'failed' ELSE 'pending' END, 'bench', now() - interval '5 minutes'
FROM orders o;
INSERT INTO shipment_line_items (shipment_id, line_item_id, quantity)
SELECT s.id, li.id, li.quantity FROM shipments s JOIN order_line_items li ON li.order_id = s.order_id;
SELECT count(*) FROM (SELECT order_ops_refresh(id) FROM orders) AS refreshed;
SET session_replication_role = origin;
SELECT count(*) FROM (SELECT order_alerts_sync(id) FROM orders) AS raised;
ANALYZE;
SQL
psql -qAt -F' ' -v ON_ERROR_STOP=1 >"$WORK/raisable.txt" <<'SQL'
SELECT s.id, o.gid FROM shipments s JOIN orders o ON o.id = s.order_id
WHERE s.sync_status = 'pending' AND NOT o.sync_failed AND NOT o.needs_tracking AND o.transit_since IS NULL
ORDER BY o.id;
SQL
BASELINE_EVENT="$(psql -qAtc 'SELECT COALESCE(max(id), 0) FROM alert_events')"
echo "Raisable orders: $(wc -l <"$WORK/raisable.txt"); open alerts: $(psql -qAtc "SELECT count(*) FROM order_alerts WHERE cleared_at IS NULL"); events so far: $BASELINE_EVENT" >&2
# The JSON poll form of the same endpoint answers the seeded history.
curl -fs -H "Authorization: Bearer $ADMIN_KEY" "$BASE_URL/sync/orders/alerts?since=0&limit=1" >/dev/null \
  || { echo "GET /sync/orders/alerts (JSON) failed" >&2; exit 1; }

echo "Load average before the subscribers: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
timeout "$TIMEOUT" python3 "$ROOT/bench/alerts_sse_driver.py" --port "$APP_PORT" --key "$ADMIN_KEY" --pg-port "$PG_PORT" \
  --orders-file "$WORK/raisable.txt" --subscribers "$SUBSCRIBERS" --alerts "$ALERTS" --rate "$RATE" --warmup "$WARMUP" \
  --app-pid "$APP_PID" --pg-pid "$(head -1 "$WORK/pgdata/postmaster.pid")" >"$WORK/summary.json" || { echo "Driver failed or timed out (${TIMEOUT} s)" >&2; tail -20 "$WORK/app.log" >&2; exit 1; }

echo "Service log: $(grep -c ' WARN ' "$WORK/app.log" || true) WARN, $(grep -c ' ERROR ' "$WORK/app.log" || true) ERROR lines" >&2
grep -E ' (WARN|ERROR) ' "$WORK/app.log" | cut -c1-240 | sort | uniq -c | sort -rn | head -5 >&2 || true
# Each UPDATE must have appended exactly one alert_raised event (warm-ups included).
python3 - "$WORK/summary.json" "$(psql -qAtc "SELECT count(*) FILTER (WHERE type = 'alert_raised' AND kind = 'sync_failed'), count(*) FROM alert_events WHERE id > $BASELINE_EVENT")" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
raised, total = map(int, sys.argv[2].split("|"))
s["events_appended"] = {"sync_failed_raised": raised, "all": total,
                        "updates": s["alerts"] + s["connect"]["warmup_alerts"]}
m, c = s["measured"], s["connect"]
def mb(st, k): return st.get(k, "?")
print(json.dumps(s, indent=2))
print(f"""
Subscribers {s['subscribers']}: {c['streams_200']} answered 200 in {c['headers_s']} s, all ready after {c['ready_s']} s ({c['warmup_alerts']} warm-up alert(s))
Alerts {s['alerts']} at {s['rate']}/s: raised in {m['raise_wall_s']} s, all delivered {m['all_delivered_after_s']} s after the first raise
Events appended: {raised} sync_failed raised of {total} (expected {s['events_appended']['updates']})
| delay to each subscriber | p50 | p95 | p99 | max |
|---|---|---|---|---|
| from alert_events.at (row inserted, before COMMIT) | {m['from_row_at']['p50_ms']} ms | {m['from_row_at']['p95_ms']} ms | {m['from_row_at']['p99_ms']} ms | {m['from_row_at']['max_ms']} ms |
| from the driver's clock after COMMIT returned | {m['from_commit']['p50_ms']} ms | {m['from_commit']['p95_ms']} ms | {m['from_commit']['p99_ms']} ms | {m['from_commit']['max_ms']} ms |
Deliveries {m['deliveries']}/{m['deliveries_expected']}, missing {m['missing']}, stream errors {m['stream_errors']}, keep-alive comments {m['keepalive_comments']}
Service RSS: before {mb(s['app_before'], 'VmRSS')}, {s['subscribers']} connected {mb(s['app_connected'], 'VmRSS')}, after {mb(s['app_after'], 'VmRSS')} (peak {mb(s['app_after'], 'VmHWM')}); threads {mb(s['app_after'], 'Threads')}; CPU from the first raise to the last delivery ({m['all_delivered_after_s']} s): service {m['app_cpu_s']} s, PostgreSQL {m['postgres_cpu_s']} s, driver {m['driver_cpu_s']} s, whole machine {m['machine_busy_cpu_s']} s of {round(m['all_delivered_after_s'] * m['cores'], 1)} s
Load average: {s['load_start']} at the driver's start, {s['load_end']} at its end
""")
print("Per alert, p50/max ms:", " ".join(s["per_alert_p50_max_ms"]))
ok = m["missing"] == 0 and raised == s["events_appended"]["updates"] == total
sys.exit(0 if ok else 2)
PY
