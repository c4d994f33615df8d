#!/usr/bin/env bash
# Start-up time and memory: StoreSync next to a minimal Quarkus REST + reactive-PostgreSQL app built
# from the same BOM (bench/minimal-app), each on JDK 17, JDK 25, and JDK 25 with its AOT cache.
#
#   bench/startup.sh [runs]          # builds both, starts a throwaway PostgreSQL, runs everything
#   bench/startup.sh --no-build [runs]
#
# Builds (with JDK 25, release 17 bytecode, so the same package runs on 17 too):
#   StoreSync: `./mvnw verify` of the integration tests only; the `aot` profile trains
#     target/quarkus-app/app.aot while they run (migrations, webhooks, shipments synced over GraphQL
#     against the Shopify simulator).
#   minimal app: `package` in the aot-jar layout, then a training run here: started with
#     -XX:AOTCacheOutput, 200 requests, stopped.
# Per run: wall time from `java` to /q/health/ready answering UP (migrations already applied), the
# CPU time the JVM used until then,# resident memory (RSS) then, and after 2,000 requests (8 in flight): StoreSync `GET /admin/shops`
# with the admin key (authentication, a database read, JSON), the minimal app `GET /count` (one query).
# Everything stays on 127.0.0.1; each process is stopped after its run.
#
# JVM settings, the same for both apps and all runs (the container settings of deploy/kubernetes):
#   BENCH_JAVA_OPTS, default "-XX:+UseSerialGC -Xms64m -Xmx128m -XX:ReservedCodeCacheSize=64m -Xss512k"
# JDK locations: JDK17 (default /usr/lib/jvm/java-17-openjdk-amd64), JDK25 (default
# /usr/lib/jvm/temurin-25-jdk-amd64). STORESYNC_DB_URL (+ _USER/_PASSWORD) uses your PostgreSQL instead.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
build=true
if [[ "${1:-}" == "--no-build" ]]; then build=false; shift; fi
runs=${1:-3}
JDK17=${JDK17:-/usr/lib/jvm/java-17-openjdk-amd64}
JDK25=${JDK25:-/usr/lib/jvm/temurin-25-jdk-amd64}
opts=${BENCH_JAVA_OPTS:--XX:+UseSerialGC -Xms64m -Xmx128m -XX:ReservedCodeCacheSize=64m -Xss512k}
port=$(free_port)
out=target/bench-startup
mkdir -p "$out"
[[ -x "$JDK17/bin/java" && -x "$JDK25/bin/java" ]] || { echo "Needs JDK 17 at $JDK17 and JDK 25 at $JDK25" >&2; exit 1; }

pgdir=""
cleanup() {
  [[ -n "${app_pid:-}" ]] && kill "$app_pid" 2>/dev/null || true
  [[ -n "$pgdir" ]] && { stop_postgres "$pgdir"; rm -rf "$pgdir"; }
}
trap cleanup EXIT
if [[ -z "${STORESYNC_DB_URL:-}" ]]; then
  pgdir="$(mktemp -u /tmp/bench-startup-pg.XXXXXX)"
  start_postgres "$pgdir"
  export STORESYNC_DB_URL="postgresql://127.0.0.1:$PG_PORT/storesync" STORESYNC_DB_USER=storesync STORESYNC_DB_PASSWORD=""
fi
export STORESYNC_CRYPTO_KEYS=${STORESYNC_CRYPTO_KEYS:-bench:$(head -c 32 /dev/urandom | base64)}
export STORESYNC_CRYPTO_ACTIVE_KEY_ID=${STORESYNC_CRYPTO_ACTIVE_KEY_ID:-bench}
export STORESYNC_BOOTSTRAP_ADMIN_KEY=${STORESYNC_BOOTSTRAP_ADMIN_KEY:-bench-admin-key}

storesync_dir=target/quarkus-app
minimal_dir=bench/minimal-app/target/quarkus-app
if $build; then
  echo "building StoreSync (integration tests train its AOT cache) ..." >&2
  JAVA_HOME=$JDK25 ./mvnw -o -B -q verify -Dtest=NoSuchTest -Dsurefire.failIfNoSpecifiedTests=false \
    -Dit.test='*IT' > "$out/build-storesync.log" 2>&1 || { tail -50 "$out/build-storesync.log" >&2; exit 1; }
  echo "building the minimal app ..." >&2
  JAVA_HOME=$JDK25 ./mvnw -o -B -q -f bench/minimal-app/pom.xml package -Dquarkus.package.jar.aot.enabled=true \
    -Dquarkus.package.jar.aot.type=AOT -Dquarkus.package.jar.aot.phase=INTEGRATION_TESTS \
    > "$out/build-minimal.log" 2>&1 || { tail -50 "$out/build-minimal.log" >&2; exit 1; }
  rm -f "$minimal_dir/app.aot"
fi
[[ -f "$storesync_dir/app.aot" ]] || { echo "No $storesync_dir/app.aot: build with JDK 25 (./mvnw verify)" >&2; exit 1; }

# start_app NAME DIR JAVA [JVM_OPTION...]: starts the app in DIR, waits until ready; sets app_pid, ready_ms.
start_app() {
  local name=$1 dir=$2 java=$3; shift 3
  local start
  start=$(date +%s%N)
  (cd "$dir" && exec "$java" $opts "$@" -Dquarkus.http.port="$port" -jar quarkus-run.jar) > "$out/$name.log" 2>&1 &
  app_pid=$!
  for _ in $(seq 1 3000); do
    if curl -sf "http://127.0.0.1:$port/q/health/ready" > /dev/null 2>&1; then
      ready_ms=$(( ($(date +%s%N) - start) / 1000000 )); return 0
    fi
    kill -0 "$app_pid" 2>/dev/null || break
    sleep 0.01
  done
  echo "$name did not become ready; see $out/$name.log" >&2; exit 1
}

stop_app() {
  kill "$app_pid"; wait "$app_pid" 2>/dev/null || true; app_pid=""
}

rss() { awk '/VmRSS/ {printf "%.0f", $2/1024}' "/proc/$app_pid/status"; }
# CPU time (user + system, all threads) the process has used: less sensitive than wall time to what
# else the machine runs.
cpu_ms() { awk -v hz="$(getconf CLK_TCK)" '{printf "%.0f", ($14 + $15) * 1000 / hz}' "/proc/$app_pid/stat"; }

load() {
  local path=$1 count=$2
  for _ in $(seq 1 "$count"); do printf 'url = "http://127.0.0.1:%s%s"\noutput = "/dev/null"\n' "$port" "$path"; done \
    > "$out/urls.txt"
  curl -s -H "Authorization: Bearer $STORESYNC_BOOTSTRAP_ADMIN_KEY" --parallel --parallel-max 8 \
    -K "$out/urls.txt" 2>/dev/null || true
}

# Migrations are applied once before anything is measured.
start_app storesync-migrate "$storesync_dir" "$JDK25/bin/java"
stop_app
if [[ ! -f "$minimal_dir/app.aot" ]]; then
  echo "training the minimal app's AOT cache ..." >&2
  start_app minimal-training "$minimal_dir" "$JDK25/bin/java" -XX:AOTCacheOutput=app.aot
  load /count 200
  stop_app
fi

printf 'app\tjvm\trun\tready_ms\tcpu_ms_to_ready\trss_ready_MiB\trss_after_2000_MiB\n' | tee "$out/results.tsv"
for app in minimal storesync; do
  if [[ $app == storesync ]]; then dir=$storesync_dir path=/admin/shops; else dir=$minimal_dir path=/count; fi
  for jvm in jdk17 jdk25 jdk25-aot; do
    case $jvm in
      jdk17) java=$JDK17/bin/java extra=() ;;
      jdk25) java=$JDK25/bin/java extra=() ;;
      jdk25-aot) java=$JDK25/bin/java extra=(-XX:AOTCache=app.aot) ;;
    esac
    for i in $(seq 1 "$runs"); do
      start_app "$app-$jvm-$i" "$dir" "$java" "${extra[@]}"
      at_ready=$(rss) cpu=$(cpu_ms)
      load "$path" 2000
      after=$(rss)
      stop_app
      printf '%s\t%s\t%d\t%d\t%s\t%s\t%s\n' "$app" "$jvm" "$i" "$ready_ms" "$cpu" "$at_ready" "$after" | tee -a "$out/results.tsv"
    done
  done
done
echo "load average after the runs: $(cut -d' ' -f1-3 /proc/loadavg)"
