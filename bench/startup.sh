#!/usr/bin/env bash
# Startup time and memory of the packaged JVM application.
#
#   ./mvnw package -DskipTests
#   STORESYNC_DB_URL=postgresql://localhost:5432/storesync STORESYNC_DB_USER=... STORESYNC_DB_PASSWORD=... \
#     bench/startup.sh [runs]
#
# For each run: starts `java -jar target/quarkus-app/quarkus-run.jar` (prod profile), measures the
# wall time until /q/health/ready answers UP, the resident memory (RSS) then, and the RSS after
# 2,000 authenticated API requests. Everything stays on 127.0.0.1 and each run is stopped after.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
port=${BENCH_PORT:-18080}
: "${STORESYNC_DB_URL:?set STORESYNC_DB_URL (and _USER/_PASSWORD) to a reachable PostgreSQL}"
export STORESYNC_CRYPTO_KEYS=${STORESYNC_CRYPTO_KEYS:-bench:$(head -c 32 /dev/urandom | base64)}
export STORESYNC_CRYPTO_ACTIVE_KEY_ID=${STORESYNC_CRYPTO_ACTIVE_KEY_ID:-bench}
export STORESYNC_BOOTSTRAP_ADMIN_KEY=${STORESYNC_BOOTSTRAP_ADMIN_KEY:-bench-admin-key}
jar=target/quarkus-app/quarkus-run.jar
[ -f "$jar" ] || { echo "build first: ./mvnw package -DskipTests" >&2; exit 1; }

printf 'run  ready_ms  rss_ready_MiB  rss_after_2000_req_MiB\n'
for i in $(seq 1 "$runs"); do
  start=$(date +%s%N)
  java ${JAVA_OPTS:-} -Dquarkus.http.port="$port" -jar "$jar" > "target/bench-startup-$i.log" 2>&1 &
  pid=$!
  trap 'kill $pid 2>/dev/null || true' EXIT
  for _ in $(seq 1 600); do
    if curl -sf "http://127.0.0.1:$port/q/health/ready" > /dev/null 2>&1; then break; fi
    sleep 0.02
  done
  ready=$(( ($(date +%s%N) - start) / 1000000 ))
  rss_ready=$(awk '/VmRSS/ {printf "%.0f", $2/1024}' /proc/$pid/status)
  for _ in $(seq 1 2000); do echo "url = \"http://127.0.0.1:$port/admin/shops\""; done > target/bench-urls.txt
  curl -s -o /dev/null -H "Authorization: Bearer $STORESYNC_BOOTSTRAP_ADMIN_KEY" --parallel --parallel-max 8 -K target/bench-urls.txt 2>/dev/null
  rss_after=$(awk '/VmRSS/ {printf "%.0f", $2/1024}' /proc/$pid/status)
  printf '%3d  %8d  %13s  %22s\n' "$i" "$ready" "$rss_ready" "$rss_after"
  kill "$pid"; wait "$pid" 2>/dev/null || true
  trap - EXIT
done
