#!/usr/bin/env bash
# Webhook intake benchmark: signed deliveries to POST /webhooks/shopify (HMAC check, shop check,
# durable insert, answer after commit) measured with wrk, next to a plain single-row INSERT into
# the same inbox table measured with pgbench on the same PostgreSQL, for the ratio.
# All traffic goes to 127.0.0.1; every run is bounded by DURATION.
#
# Self-contained (starts a throwaway PostgreSQL and the packaged service on free loopback ports,
# or PG_PORT/APP_PORT, and stops both afterwards):
#   ./mvnw -B -q package -DskipTests && bench/webhook-intake.sh --start
#
# Against a service you started yourself, e.g.
#   STORESYNC_DB_URL=postgresql://127.0.0.1:5432/storesync STORESYNC_DB_USER=storesync STORESYNC_DB_PASSWORD=secret \
#   STORESYNC_BOOTSTRAP_ADMIN_KEY=bench-admin-key STORESYNC_SHOPIFY_CLIENT_SECRET=bench-secret \
#   STORESYNC_CRYPTO_KEYS=bench:$(head -c 32 /dev/urandom | base64) STORESYNC_CRYPTO_ACTIVE_KEY_ID=bench \
#   java -jar target/quarkus-app/quarkus-run.jar
# then
#   BASE_URL=http://127.0.0.1:8080 ADMIN_KEY=bench-admin-key CLIENT_SECRET=bench-secret \
#   PGHOST=127.0.0.1 PGPORT=5432 PGUSER=storesync PGPASSWORD=secret PGDATABASE=storesync bench/webhook-intake.sh
#
# Knobs: DURATION (seconds, 20), CONNECTIONS (16), THREADS (2), PAYLOAD (a JSON file; default the
# orders/create sample in src/test/resources/shopify/webhooks), TOPIC (orders/create).
# Needs: wrk, pgbench, psql, curl, openssl, jq (Debian: apt-get update && apt-get install -y wrk
# postgresql postgresql-client curl openssl jq).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"
DURATION="${DURATION:-20}"
CONNECTIONS="${CONNECTIONS:-16}"
THREADS="${THREADS:-2}"
TOPIC="${TOPIC:-orders/create}"
PAYLOAD="${PAYLOAD:-$ROOT/src/test/resources/shopify/webhooks/orders_create.json}"
START=false
[[ "${1:-}" == "--start" ]] && START=true

missing=()
for tool in wrk pgbench psql curl openssl jq; do
  command -v "$tool" >/dev/null || missing+=("$tool")
done
if ((${#missing[@]})); then
  echo "Missing: ${missing[*]}. On Debian: apt-get update && apt-get install -y wrk postgresql postgresql-client curl openssl jq" >&2
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
  export BASE_URL="http://127.0.0.1:$APP_PORT" ADMIN_KEY="bench-admin-key" CLIENT_SECRET="bench-secret"
  STORESYNC_DB_URL="postgresql://127.0.0.1:$PG_PORT/storesync" STORESYNC_DB_USER=storesync STORESYNC_DB_PASSWORD="" \
  STORESYNC_BOOTSTRAP_ADMIN_KEY="$ADMIN_KEY" STORESYNC_SHOPIFY_CLIENT_SECRET="$CLIENT_SECRET" \
  STORESYNC_CRYPTO_KEYS="bench:$(head -c 32 /dev/urandom | base64)" STORESYNC_CRYPTO_ACTIVE_KEY_ID=bench \
  PORT="$APP_PORT" java -jar "$JAR" >"$WORK/app.log" 2>&1 &
  APP_PID=$!
  for _ in $(seq 1 60); do
    curl -fs "$BASE_URL/q/health/ready" >/dev/null 2>&1 && break
    sleep 1
  done
  curl -fs "$BASE_URL/q/health/ready" >/dev/null || { echo "Service did not become ready:" >&2; tail -20 "$WORK/app.log" >&2; exit 1; }
fi

: "${BASE_URL:?set BASE_URL, e.g. http://127.0.0.1:8080}" "${ADMIN_KEY:?set ADMIN_KEY}" "${CLIENT_SECRET:?set CLIENT_SECRET}"
case "$BASE_URL" in
  http://127.*|http://localhost*|http://\[::1\]*) ;;
  *) echo "BASE_URL must be a loopback address; this benchmark sends traffic nowhere else" >&2; exit 1 ;;
esac
[[ -f "$PAYLOAD" ]] || { echo "No payload file $PAYLOAD" >&2; exit 1; }

RUN="bench-$(date +%s)-$$"
SHOP="$RUN.myshopify.com"
curl -fsS -o /dev/null -X POST "$BASE_URL/admin/shops" -H "Authorization: Bearer $ADMIN_KEY" \
  -H 'Content-Type: application/json' -d "{\"domain\":\"$SHOP\",\"accessToken\":\"shpat_bench\"}"

# The HMAC covers only the body, so one signed body serves every request; each request gets its
# own X-Shopify-Webhook-Id so that each is a new delivery, not a deduplicated redelivery.
cp "$PAYLOAD" "$WORK/body.json"
HMAC="$(openssl dgst -sha256 -hmac "$CLIENT_SECRET" -binary <"$WORK/body.json" | base64 -w0)"
cat >"$WORK/intake.lua" <<LUA
local f = io.open("$WORK/body.json", "rb")
local body = f:read("*a")
f:close()
local headers = {
  ["Content-Type"] = "application/json",
  ["X-Shopify-Topic"] = "$TOPIC",
  ["X-Shopify-Shop-Domain"] = "$SHOP",
  ["X-Shopify-Hmac-Sha256"] = "$HMAC",
  ["X-Shopify-API-Version"] = "2026-07",
}
local prefix = os.getenv("WEBHOOK_ID_PREFIX")
local counter = 0
local next_thread = 1
function setup(thread)
  thread:set("tid", next_thread)
  next_thread = next_thread + 1
end
function request()
  counter = counter + 1
  headers["X-Shopify-Webhook-Id"] = prefix .. "-" .. tid .. "-" .. counter
  headers["X-Shopify-Event-Id"] = prefix .. "-event-" .. tid .. "-" .. counter
  return wrk.format("POST", "/webhooks/shopify", headers, body)
end
function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format("RESULT requests=%d seconds=%.1f rps=%.0f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f max_ms=%.2f non2xx=%d socket_errors=%d\n",
    summary.requests, seconds, summary.requests / seconds, latency:percentile(50) / 1000,
    latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000, e.status,
    e.connect + e.read + e.write + e.timeout))
end
LUA

echo "== HTTP intake: wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s, $(wc -c <"$WORK/body.json") byte $TOPIC body, shop $SHOP"
# A short warm-up lets the JIT compile the request path before the measured run.
WEBHOOK_ID_PREFIX="$RUN-warm" wrk -t"$THREADS" -c"$CONNECTIONS" -d5s -s "$WORK/intake.lua" "$BASE_URL" >/dev/null
WRK_OUT="$(WEBHOOK_ID_PREFIX="$RUN-m" wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" -s "$WORK/intake.lua" "$BASE_URL")"
echo "$WRK_OUT" | grep RESULT
STORED="$(psql -qAtc "SELECT count(*) FROM webhook_inbox WHERE webhook_id LIKE '$RUN-m-%'")"
echo "stored rows from the measured run: $STORED"

echo "== PostgreSQL alone: pgbench single-row INSERT of the same body, -c$CONNECTIONS -j$THREADS -T$DURATION"
# scheduled_at in the future keeps the dispatcher away from these rows; they are deleted below.
cat >"$WORK/insert.sql" <<'SQL'
INSERT INTO webhook_inbox (webhook_id, topic, shop_domain, payload, max_attempts, scheduled_at)
VALUES ('pgbench-' || gen_random_uuid(), 'orders/create', 'pgbench.myshopify.com', :payload::jsonb, 12,
        now() + interval '1 day');
SQL
(cd "$WORK" && pgbench -n -M prepared -c "$CONNECTIONS" -j "$THREADS" -T "$DURATION" -f insert.sql \
  -D payload="$(cat "$WORK/body.json")" -l --log-prefix=pgb >"$WORK/pgbench.out" 2>&1) || { cat "$WORK/pgbench.out" >&2; exit 1; }
TPS="$(grep -oP 'tps = \K[0-9.]+' "$WORK/pgbench.out" | tail -1)"
cat "$WORK"/pgb.* | awk '{print $3}' | sort -n >"$WORK/latencies"
N="$(wc -l <"$WORK/latencies")"
pct() { awk -v n="$N" -v p="$1" 'NR == int((n - 1) * p / 100) + 1 { printf "%.2f", $1 / 1000; exit }' "$WORK/latencies"; }
echo "RESULT transactions=$N tps=${TPS%.*} p50_ms=$(pct 50) p90_ms=$(pct 90) p99_ms=$(pct 99)"

RPS="$(echo "$WRK_OUT" | grep -oP 'rps=\K[0-9]+')"
echo "== HTTP intake / plain INSERT throughput: $(awk -v a="$RPS" -v b="$TPS" 'BEGIN { printf "%.2f", a / b }')"

psql -qAtc "DELETE FROM webhook_inbox WHERE webhook_id LIKE 'pgbench-%' OR shop_domain = '$SHOP'" >/dev/null
psql -qAtc "DELETE FROM shops WHERE domain = '$SHOP'" >/dev/null
