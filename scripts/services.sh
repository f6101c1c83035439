#!/usr/bin/env bash
# Start the services the test suite uses, on loopback only, from the machine's own packages:
# a throw-away PostgreSQL cluster and a Redis server. Prints the variables to export.
# Usage: eval "$(bash scripts/services.sh start)"   |   bash scripts/services.sh stop
set -euo pipefail
cd "$(dirname "$0")/.."

state=${GALLERY_SERVICES_DIR:-${TMPDIR:-/tmp}/sticker-gallery-services}
pg_port=${GALLERY_TEST_PG_PORT:-54329}
redis_port=${GALLERY_TEST_REDIS_PORT:-63799}
say() { printf '==> %s\n' "$*" >&2; }

ensure_packages() {
  local missing=()
  command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
  if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
      say "installing ${missing[*]}"
      apt-get update -qq
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    else
      say "missing: ${missing[*]} (sudo apt-get install ${missing[*]})"
      exit 1
    fi
  fi
}

pg_bin() { ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1; }

as_pg_user() {
  # initdb and postgres refuse to run as root.
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

start() {
  ensure_packages
  mkdir -p "$state"
  [ "$(id -u)" = 0 ] && chown postgres "$state"
  local bin; bin=$(pg_bin)
  if [ ! -f "$state/pg/PG_VERSION" ]; then
    say "creating a PostgreSQL cluster"
    as_pg_user "$bin/initdb" -D "$state/pg" -U gallery --auth=trust -E UTF8 >/dev/null
  fi
  if ! as_pg_user "$bin/pg_ctl" -D "$state/pg" status >/dev/null 2>&1; then
    say "starting PostgreSQL on 127.0.0.1:$pg_port"
    as_pg_user "$bin/pg_ctl" -D "$state/pg" -l "$state/pg.log" -w \
      -o "-h 127.0.0.1 -p $pg_port -k $state -c fsync=off -c max_connections=200" start >/dev/null
  fi
  as_pg_user "$bin/psql" -h 127.0.0.1 -p "$pg_port" -U gallery -d postgres -tAc \
    "SELECT 1 FROM pg_database WHERE datname='gallery_test'" | grep -q 1 \
    || as_pg_user "$bin/createdb" -h 127.0.0.1 -p "$pg_port" -U gallery gallery_test
  if ! redis-cli -p "$redis_port" ping >/dev/null 2>&1; then
    say "starting Redis on 127.0.0.1:$redis_port"
    redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no \
      --daemonize yes --pidfile "$state/redis.pid" --logfile "$state/redis.log"
    for _ in $(seq 50); do redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break; sleep 0.1; done
  fi
  echo "export GALLERY_TEST_POSTGRES_URL=postgresql+psycopg://gallery@127.0.0.1:$pg_port/gallery_test"
  echo "export GALLERY_TEST_REDIS_URL=redis://127.0.0.1:$redis_port/0"
}

stop() {
  local bin; bin=$(pg_bin)
  [ -f "$state/pg/PG_VERSION" ] && as_pg_user "$bin/pg_ctl" -D "$state/pg" -m fast stop >/dev/null 2>&1 || true
  redis-cli -p "$redis_port" shutdown nosave >/dev/null 2>&1 || true
}

case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
