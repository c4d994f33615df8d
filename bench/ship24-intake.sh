#!/usr/bin/env bash
# Ship24 intake benchmark: EVENTS carrier events for SHIPMENTS tracked shipments, sent to
# POST /webhooks/ship24 in grouped webhooks (TRACKINGS_PER_WEBHOOK tracking updates of one new event
# each, as Ship24 sends when grouping is on), CONCURRENCY requests in flight. Measures the intake
# (webhooks and events per second until every webhook was answered 200), the time until every
# event is stored by the handler, and the time until every shipment whose reference names a known
# PO is linked to it (the rest, ORPHAN_PERCENT of the shipments, stay orphans). Before the run,
# PLATFORM_ORDERS platform orders with 2 POs each are written with SQL, as the platform sync would.
# References come in odd forms (po 164-1, PO#164-1, full-width), so the PO number rule runs too.
# All traffic goes to 127.0.0.1.
#
# Self-contained (a throwaway PostgreSQL and the packaged service on free loopback ports):
#   ./mvnw -B -q package -DskipTests && bench/ship24-intake.sh --start
#
# Against a service you started yourself (with STORESYNC_SHIP24_WEBHOOK_SECRET set):
#   BASE_URL=http://127.0.0.1:8080 SHIP24_SECRET=… PGHOST=127.0.0.1 PGPORT=5432 PGUSER=storesync \
#   PGPASSWORD=… PGDATABASE=storesync bench/ship24-intake.sh
#
# Knobs: EVENTS (10000), SHIPMENTS (2000), TRACKINGS_PER_WEBHOOK (10), CONCURRENCY (8),
# PLATFORM_ORDERS (1000), ORPHAN_PERCENT (10), TIMEOUT (seconds to wait for processing, 600).
# Needs: psql, curl, python3 (Debian: apt-get install -y postgresql postgresql-client curl python3).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"
EVENTS="${EVENTS:-10000}"
SHIPMENTS="${SHIPMENTS:-2000}"
TRACKINGS_PER_WEBHOOK="${TRACKINGS_PER_WEBHOOK:-10}"
CONCURRENCY="${CONCURRENCY:-8}"
PLATFORM_ORDERS="${PLATFORM_ORDERS:-1000}"
ORPHAN_PERCENT="${ORPHAN_PERCENT:-10}"
TIMEOUT="${TIMEOUT:-600}"
START=false
[[ "${1:-}" == "--start" ]] && START=true

missing=()
for tool in psql curl python3; do
  command -v "$tool" >/dev/null || missing+=("$tool")
done
if ((${#missing[@]})); then
  echo "Missing: ${missing[*]}. On Debian: apt-get update && apt-get install -y postgresql postgresql-client curl python3" >&2
  exit 1
fi

WORK="$(mktemp -d /tmp/storesync-bench.XXXXXX)"
APP_PID=""
PGBIN=""
cleanup() {
  if [[ -n "$APP_PID" ]]; then kill "$APP_PID" 2>/dev/null || true; wait "$APP_PID" 2>/dev/null || true; fi
  stop_postgres "$WORK/pgdata"
  rm -rf "$WORK"
}
trap cleanup EXIT

if $START; then
  JAR="$ROOT/target/quarkus-app/quarkus-run.jar"
  [[ -f "$JAR" ]] || { echo "Build first: ./mvnw -B -q package -DskipTests" >&2; exit 1; }
  chmod 755 "$WORK"
  start_postgres "$WORK/pgdata"
  export PGHOST=127.0.0.1 PGPORT="$PG_PORT" PGUSER=storesync PGDATABASE=storesync PGPASSWORD=""
  APP_PORT="${APP_PORT:-$(free_port)}"
  export BASE_URL="http://127.0.0.1:$APP_PORT" SHIP24_SECRET="bench-ship24-secret"
  STORESYNC_DB_URL="postgresql://127.0.0.1:$PG_PORT/storesync" STORESYNC_DB_USER=storesync STORESYNC_DB_PASSWORD="" \
  STORESYNC_BOOTSTRAP_ADMIN_KEY="bench-admin-key" STORESYNC_SHIP24_WEBHOOK_SECRET="$SHIP24_SECRET" \
  STORESYNC_CRYPTO_KEYS="bench:$(head -c 32 /dev/urandom | base64)" STORESYNC_CRYPTO_ACTIVE_KEY_ID=bench \
  PORT="$APP_PORT" java -jar "$JAR" >"$WORK/app.log" 2>&1 &
  APP_PID=$!
  for _ in $(seq 1 60); do
    curl -fs "$BASE_URL/q/health/ready" >/dev/null 2>&1 && break
    sleep 1
  done
  curl -fs "$BASE_URL/q/health/ready" >/dev/null || { echo "Service did not become ready:" >&2; tail -20 "$WORK/app.log" >&2; exit 1; }
fi

: "${BASE_URL:?set BASE_URL, e.g. http://127.0.0.1:8080}" "${SHIP24_SECRET:?set SHIP24_SECRET}"
case "$BASE_URL" in
  http://127.*|http://localhost*|http://\[::1\]*) ;;
  *) echo "BASE_URL must be a loopback address; this benchmark sends traffic nowhere else" >&2; exit 1 ;;
esac

# Digits only: PO numbers look like the platform's (164-1), and a PO number rule keeps "PO" before a letter.
RUN="$(date +%s)$$"
# POs RUN-<order>-1 and RUN-<order>-2 for each platform order, written by SQL as the platform sync would.
psql -qAt -v ON_ERROR_STOP=1 <<SQL
INSERT INTO platform_orders (order_number, platform_id, approval)
SELECT '$RUN-' || g, 'omg-$RUN-' || g, 'approved' FROM generate_series(1, $PLATFORM_ORDERS) g;
INSERT INTO purchase_orders (po_number, order_id, platform_id, supplier_name)
SELECT o.order_number || '-' || n, o.id, 'po-' || o.order_number || '-' || n, 'Bench Supplier'
FROM platform_orders o CROSS JOIN generate_series(1, 2) n WHERE o.order_number LIKE '$RUN-%';
SQL

export RUN EVENTS SHIPMENTS TRACKINGS_PER_WEBHOOK CONCURRENCY PLATFORM_ORDERS ORPHAN_PERCENT TIMEOUT WORK
python3 - <<'PY'
import concurrent.futures, http.client, json, os, random, subprocess, sys, time, urllib.parse

run = os.environ["RUN"]
events_total = int(os.environ["EVENTS"])
shipments = int(os.environ["SHIPMENTS"])
per_webhook = int(os.environ["TRACKINGS_PER_WEBHOOK"])
concurrency = int(os.environ["CONCURRENCY"])
orders = int(os.environ["PLATFORM_ORDERS"])
orphan_percent = int(os.environ["ORPHAN_PERCENT"])
timeout = int(os.environ["TIMEOUT"])
base = urllib.parse.urlparse(os.environ["BASE_URL"])
secret = os.environ["SHIP24_SECRET"]
rng = random.Random(42)

def full_width(s):
    return "".join("\uFF0D" if c == "-" else chr(ord(c) - 0x20 + 0xFF00) for c in s)

forms = [lambda po: "po " + po, lambda po: "PO#" + po, lambda po: po, lambda po: full_width("PO" + po),
         lambda po: "# " + po.replace("-", " - ")]
milestones = ["info_received", "in_transit", "in_transit", "out_for_delivery", "delivered"]
per_shipment = events_total // shipments
trackings = []
linked_expected = 0
for i in range(shipments):
    if rng.randrange(100) < orphan_percent:
        reference = f"{run}-unknown-{i}"
    else:
        po = f"{run}-{rng.randrange(1, orders + 1)}-{rng.randrange(1, 3)}"
        reference = forms[i % len(forms)](po)
        linked_expected += 1
    trackings.append((f"T{run}N{i:06d}", reference))

# Event k of every shipment is sent in round k, in shuffled webhooks: as a carrier's scans arrive.
webhooks = []
for k in range(per_shipment):
    order = list(range(shipments))
    rng.shuffle(order)
    for start in range(0, shipments, per_webhook):
        items = []
        for i in order[start:start + per_webhook]:
            tn, reference = trackings[i]
            milestone = milestones[min(k, len(milestones) - 1)] if k < per_shipment - 1 else "delivered"
            items.append({
                "metadata": {"generatedAt": "2026-11-20T08:00:00Z", "messageId": f"{run}-{i}-{k}"},
                "tracker": {"trackerId": f"{run}-tracker-{i}", "trackingNumber": tn, "shipmentReference": reference,
                            "courierCode": ["yamato"], "isSubscribed": True},
                "shipment": {"shipmentId": f"{run}-shipment-{i}", "statusMilestone": milestone,
                             "delivery": {"estimatedDeliveryDate": "2026-11-25"}},
                "events": [{"eventId": f"{run}-{i}-{k}", "trackingNumber": tn,
                            "occurrenceDatetime": f"2026-11-{18 + k // 24:02d}T{k % 24:02d}:15:00+09:00",
                            "status": f"scan {k}", "statusMilestone": milestone, "statusCategory": "transit",
                            "statusCode": None, "location": "Tokyo", "courierCode": "yamato"}],
            })
        webhooks.append(json.dumps({"trackings": items}).encode())
events_sent = per_shipment * shipments

def send(body):
    conn = http.client.HTTPConnection(base.hostname, base.port, timeout=30)
    try:
        conn.request("POST", "/webhooks/ship24", body, {"Content-Type": "application/json",
                                                         "Authorization": "Bearer " + secret})
        status = conn.getresponse().status
        return status
    finally:
        conn.close()

def psql(sql):
    return subprocess.run(["psql", "-qAtc", sql], check=True, capture_output=True, text=True).stdout.strip()

sizes = sorted(len(b) for b in webhooks)
print(f"run {run}: {len(webhooks)} webhooks of {per_webhook} tracking updates ({sizes[len(sizes)//2]} B median body), "
      f"{events_sent} events, {shipments} shipments ({linked_expected} with a known PO), concurrency {concurrency}")
t0 = time.monotonic()
with concurrent.futures.ThreadPoolExecutor(concurrency) as pool:
    statuses = list(pool.map(send, webhooks))
t_intake = time.monotonic() - t0
bad = [s for s in statuses if s != 200]
if bad:
    print(f"{len(bad)} webhooks not answered 200: {sorted(set(bad))}", file=sys.stderr)
    sys.exit(1)
print(f"intake: {len(webhooks)} webhooks answered 200 in {t_intake:.1f} s", flush=True)
t_stored = t_linked = None
while time.monotonic() - t0 < timeout:
    stored, linked, pending = psql(f"""
        SELECT (SELECT count(*) FROM tracking_events WHERE event_id LIKE '{run}-%'),
               (SELECT count(*) FROM tracked_shipments WHERE tracking_number LIKE 'T{run}N%' AND purchase_order_id IS NOT NULL),
               (SELECT count(*) FROM webhook_inbox WHERE topic = 'ship24/tracking' AND state <> 'completed')
    """).split("|")
    now = time.monotonic() - t0
    if t_stored is None and int(stored) >= events_sent:
        t_stored = now
    if t_linked is None and int(linked) >= linked_expected and int(stored) >= events_sent and int(pending) == 0:
        t_linked = now
        break
    time.sleep(0.2)
if t_linked is None:
    print(f"not finished within {timeout} s: {stored} events stored, {linked} linked, {pending} webhooks pending", file=sys.stderr)
    sys.exit(1)
delivered = psql(f"""SELECT count(*) FROM platform_orders WHERE order_number LIKE '{run}-%' AND derived_status = 'delivered'""")
orphans = psql(f"SELECT count(*) FROM tracked_shipments WHERE tracking_number LIKE 'T{run}N%' AND purchase_order_id IS NULL")
print(f"RESULT intake_seconds={t_intake:.1f} webhooks_per_s={len(webhooks)/t_intake:.0f} events_per_s={events_sent/t_intake:.0f} "
      f"all_stored_s={t_stored:.1f} all_linked_s={t_linked:.1f} applied_events_per_s={events_sent/t_linked:.0f} "
      f"orphans={orphans} orders_delivered={delivered}")
PY
