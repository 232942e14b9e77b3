# shellcheck shell=bash
# Finds, starts or installs the PostgreSQL and Redis that the scripts in scripts/ need.
#   source scripts/lib/services.sh
#   zjp_ensure_services            # exports ZJP_PG_URL (server only, no database) and REDIS_URL
#   url=$(zjp_create_database NAME)  # prints "$ZJP_PG_URL/NAME"; NOTE: `export X=$(...)` would hide a failure
#   zjp_drop_database NAME; zjp_drop_databases_with_prefix PREFIX; zjp_ensure_node_modules
#   zjp_ensure_web_node_modules; zjp_ensure_chromium
# Fatal problems print one line to stderr and `exit 1`: meant for scripts, not for an interactive shell.
# Safe under `set -euo pipefail`, and idempotent.

_zjp_pg_host=127.0.0.1
_zjp_pg_port=5432
_zjp_redis_local=redis://127.0.0.1:6379
_zjp_apt_updated=

_zjp_log() { printf 'zjp: %s\n' "$*" >&2; }
_zjp_die() { printf 'zjp: ERROR: %s\n' "$*" >&2; exit 1; }
_zjp_redact() { sed -E 's#(://[^:/@]+:)[^@/]*@#\1***@#' <<<"$1"; }  # hide passwords in log lines
_zjp_is_root() { [ "$(id -u)" -eq 0 ]; }
_zjp_can_root() { _zjp_is_root || sudo -n true 2>/dev/null; }
_zjp_as_root() { if _zjp_is_root; then "$@"; else sudo -n "$@"; fi; }
# cd / so that the postgres user is not left in a directory it cannot read
_zjp_as_postgres() { if _zjp_is_root; then (cd / && runuser -u postgres -- "$@"); else (cd / && sudo -n -u postgres "$@"); fi; }

# _zjp_wait WHAT TRIES CMD...: run CMD once a second until it succeeds, at most TRIES times.
_zjp_wait() {
  local what=$1 tries=$2 i
  shift 2
  for ((i = 0; i < tries; i++)); do
    "$@" && return 0
    sleep 1
  done
  _zjp_die "$what is not ready after ${tries}s"
}

# _zjp_apt_install PKG...: install Debian packages if we may (root or passwordless sudo); else return 1.
_zjp_apt_install() {
  local log=${TMPDIR:-/tmp}/zjp-apt.log
  command -v apt-get >/dev/null && _zjp_can_root || return 1
  _zjp_log "installing $* with apt-get (log: $log)"
  if [ -z "$_zjp_apt_updated" ]; then
    _zjp_as_root apt-get update >"$log" 2>&1 || _zjp_die "apt-get update failed, see $log"
    _zjp_apt_updated=1
  fi
  _zjp_as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -o DPkg::Lock::Timeout=300 "$@" >>"$log" 2>&1 \
    || _zjp_die "apt-get install $* failed, see $log"
}

# _zjp_need CMD PKG: make sure CMD exists, installing Debian package PKG if needed.
_zjp_need() {
  command -v "$1" >/dev/null && return 0
  _zjp_apt_install "$2" || _zjp_die "$1 is missing; install it: sudo apt-get install -y $2"
}

# bash's /dev/tcp, in a child bounded by timeout, for when the client tools are not there
# shellcheck disable=SC2016 # $1 $2 are the child's arguments
_zjp_tcp_open() { timeout 3 bash -c 'exec 3<>"/dev/tcp/$1/$2"' _ "$1" "$2" 2>/dev/null; }

# ---------------------------------------------------------------- PostgreSQL
_zjp_psql() { PGCONNECT_TIMEOUT=3 PGOPTIONS='-c client_min_messages=warning' psql -X -q -v ON_ERROR_STOP=1 "$@"; }
_zjp_pg_try() { _zjp_psql -d "$1" -Atc 'select 1' >/dev/null 2>&1; }

_zjp_pg_local_up() {
  if command -v pg_isready >/dev/null; then
    pg_isready -q -h "$_zjp_pg_host" -p "$_zjp_pg_port" -t 3
  else
    _zjp_tcp_open "$_zjp_pg_host" "$_zjp_pg_port"
  fi
}

# DATABASE_URL given: keep its server (and ?query), check we can log in. A few retries, as the
# server may still be starting (e.g. in compose).
_zjp_pg_from_env() {
  local rest=${DATABASE_URL#*://} err='' i
  ZJP_PG_URL="${DATABASE_URL%%://*}://${rest%%[/?]*}"
  ZJP_PG_QUERY=
  [[ $DATABASE_URL == *\?* ]] && ZJP_PG_QUERY="?${DATABASE_URL#*\?}"
  _zjp_need psql postgresql-client
  _zjp_log "postgres: using the server of DATABASE_URL ($(_zjp_redact "$ZJP_PG_URL"))"
  for ((i = 0; i < 10; i++)); do
    # prefer the 'postgres' database for CREATE/DROP DATABASE; fall back to DATABASE_URL itself
    for ZJP_PG_ADMIN_URL in "$ZJP_PG_URL/postgres$ZJP_PG_QUERY" "$DATABASE_URL"; do
      err=$(_zjp_psql -d "$ZJP_PG_ADMIN_URL" -Atc 'select 1' 2>&1 >/dev/null) && return 0
    done
    sleep 1
  done
  _zjp_die "cannot reach DATABASE_URL ($(_zjp_redact "$DATABASE_URL")): ${err//$'\n'/ }"
}

# Nothing on 127.0.0.1:5432: start the local Debian cluster, creating or installing it if needed.
_zjp_pg_start_local() {
  local ver
  if ! command -v pg_ctlcluster >/dev/null; then
    _zjp_apt_install postgresql || _zjp_die "PostgreSQL is not running on $_zjp_pg_host:$_zjp_pg_port nor installed." \
      "Run: sudo apt-get update && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql" \
      "-- or set DATABASE_URL=postgres://USER:PASSWORD@HOST:5432/zjp_demo"
  fi
  _zjp_can_root || _zjp_die "PostgreSQL is installed but stopped; start it as root:" \
    "sudo pg_ctlcluster --skip-systemctl-redirect \$(ls /etc/postgresql) main start"
  # newest version that has a cluster, else the newest installed version (then create its cluster)
  ver=$(find /etc/postgresql -mindepth 2 -maxdepth 2 -name main 2>/dev/null | awk -F/ '{print $4}' | sort -V | tail -n1)
  if [ -z "$ver" ]; then
    ver=$(find /usr/lib/postgresql -mindepth 1 -maxdepth 1 -printf '%f\n' 2>/dev/null | sort -V | tail -n1)
    [ -n "$ver" ] || _zjp_die "pg_ctlcluster exists but no PostgreSQL server is installed: apt-get install -y postgresql"
    _zjp_log "postgres: creating cluster $ver/main"
    _zjp_as_root pg_createcluster "$ver" main >/dev/null
  fi
  _zjp_log "postgres: starting cluster $ver/main"
  # --skip-systemctl-redirect: work the same with or without systemd
  if ! _zjp_as_root pg_ctlcluster --skip-systemctl-redirect "$ver" main start >/dev/null 2>&1; then
    _zjp_pg_local_up || _zjp_die "could not start PostgreSQL $ver/main; see /var/log/postgresql/postgresql-$ver-main.log"
  fi
  _zjp_wait "PostgreSQL on $_zjp_pg_host:$_zjp_pg_port" 30 _zjp_pg_local_up
}

# Local server is up: log in as postgres if TCP is trusted; else use (creating it if needed) role
# zjp/zjp, since stock Debian asks for a password over TCP but trusts the postgres user on the socket.
_zjp_pg_local_creds() {
  local server="$_zjp_pg_host:$_zjp_pg_port"
  if _zjp_pg_try "postgres://postgres@$server/postgres"; then
    ZJP_PG_URL="postgres://postgres@$server"
    return 0
  fi
  if ! _zjp_pg_try "postgres://zjp:zjp@$server/postgres"; then
    { _zjp_can_root && id postgres >/dev/null 2>&1; } || _zjp_die "cannot log in to PostgreSQL on $server;" \
      "set DATABASE_URL=postgres://USER:PASSWORD@$server/zjp_demo"
    _zjp_log "postgres: creating role zjp (password zjp) through the local socket"
    _zjp_as_postgres psql -X -q -p "$_zjp_pg_port" -v ON_ERROR_STOP=1 >/dev/null <<'SQL' || _zjp_die "could not create role zjp"
SELECT 'CREATE ROLE zjp' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'zjp')\gexec
ALTER ROLE zjp WITH LOGIN SUPERUSER PASSWORD 'zjp';
SQL
    _zjp_pg_try "postgres://zjp:zjp@$server/postgres" \
      || _zjp_die "role zjp exists but cannot log in on $server (check pg_hba.conf)"
  fi
  ZJP_PG_URL="postgres://zjp:zjp@$server"
}

_zjp_ensure_postgres() {
  if [ -n "${DATABASE_URL:-}" ]; then
    _zjp_pg_from_env
    return 0
  fi
  if _zjp_pg_local_up; then
    _zjp_log "postgres: found on $_zjp_pg_host:$_zjp_pg_port"
  else
    _zjp_pg_start_local
  fi
  _zjp_need psql postgresql-client
  _zjp_pg_local_creds
  ZJP_PG_QUERY=
  ZJP_PG_ADMIN_URL="$ZJP_PG_URL/postgres"
  _zjp_log "postgres: ready as $(_zjp_redact "$ZJP_PG_URL")"
}

_zjp_check_dbname() { [[ ${1:-} =~ ^[A-Za-z0-9_]+$ ]] || _zjp_die "bad database name '${1:-}' (use letters, digits, _)"; }

# zjp_create_database NAME: create it if missing, print its URL.
zjp_create_database() {
  _zjp_check_dbname "${1:-}"
  # %I quotes the identifier, :'db' the literal; \gexec runs the CREATE only when the row exists
  _zjp_psql -d "$ZJP_PG_ADMIN_URL" -v db="$1" >/dev/null <<'SQL' || _zjp_die "could not create database $1"
SELECT format('CREATE DATABASE %I', :'db') WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'db')\gexec
SQL
  printf '%s/%s%s\n' "$ZJP_PG_URL" "$1" "$ZJP_PG_QUERY"
}

# zjp_drop_database NAME: drop it if it exists, closing its connections (PostgreSQL 13+).
zjp_drop_database() {
  _zjp_check_dbname "${1:-}"
  _zjp_psql -d "$ZJP_PG_ADMIN_URL" -v db="$1" >/dev/null <<'SQL' || _zjp_die "could not drop database $1"
SELECT format('DROP DATABASE IF EXISTS %I WITH (FORCE)', :'db')\gexec
SQL
}

# zjp_drop_databases_with_prefix PREFIX: drop every database whose name starts with PREFIX
# (an exact prefix: LIKE would treat _ as a wildcard).
zjp_drop_databases_with_prefix() {
  _zjp_check_dbname "${1:-}"
  _zjp_psql -d "$ZJP_PG_ADMIN_URL" -v p="$1" >/dev/null <<'SQL' || _zjp_die "could not drop databases $1*"
SELECT format('DROP DATABASE %I WITH (FORCE)', datname) FROM pg_database WHERE starts_with(datname, :'p')\gexec
SQL
}

# ---------------------------------------------------------------- Redis
# _zjp_redis_ping URL: redis-cli if there, else RESP by hand; NOAUTH still means "it is up".
_zjp_redis_ping() {
  if command -v redis-cli >/dev/null; then
    [ "$(timeout 5 redis-cli -u "$1" ping 2>/dev/null)" = PONG ]
  else
    local hp=${1#*://}
    hp=${hp##*@}
    hp=${hp%%/*}
    local host=${hp%:*} port=6379
    [[ $hp == *:* ]] && port=${hp##*:}
    # shellcheck disable=SC2016 # $1 $2 are the child's arguments
    timeout 5 bash -c 'exec 3<>"/dev/tcp/$1/$2" && printf "PING\r\n" >&3 && IFS= read -r r <&3 &&
      [[ $r == +PONG* || $r == -NOAUTH* ]]' _ "$host" "$port" 2>/dev/null
  fi
}

_zjp_redis_start_local() {
  local dir=/var/lib/redis log=/var/log/redis/ci.log
  if ! command -v redis-server >/dev/null; then
    _zjp_apt_install redis-server || _zjp_die "Redis is not running on 127.0.0.1:6379 nor installed." \
      "Run: sudo apt-get update && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y redis-server" \
      "-- or set REDIS_URL=redis://HOST:6379"
    sleep 1 # Debian's package may have started its own server already
    _zjp_redis_ping "$_zjp_redis_local" && return 0
  fi
  if ! _zjp_is_root; then # not allowed to write the system's directories: keep ours in TMPDIR
    dir=${TMPDIR:-/tmp}/zjp-redis-$(id -u)
    log=$dir/redis.log
  fi
  mkdir -p "$dir" "${log%/*}"
  _zjp_log "redis: starting redis-server on 127.0.0.1:6379 (log: $log)"
  # no persistence: this server only holds caches, queues and test data
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir "$dir" --logfile "$log" >/dev/null || _zjp_die "redis-server failed to start, see $log"
  _zjp_wait "Redis on 127.0.0.1:6379" 20 _zjp_redis_ping "$_zjp_redis_local"
}

_zjp_ensure_redis() {
  if [ -n "${REDIS_URL:-}" ]; then
    _zjp_log "redis: using REDIS_URL ($(_zjp_redact "$REDIS_URL"))"
    _zjp_wait "Redis at REDIS_URL ($(_zjp_redact "$REDIS_URL"))" 10 _zjp_redis_ping "$REDIS_URL"
    return 0
  fi
  if _zjp_redis_ping "$_zjp_redis_local"; then
    _zjp_log "redis: found on 127.0.0.1:6379"
  else
    _zjp_redis_start_local
  fi
  REDIS_URL=$_zjp_redis_local
  _zjp_log "redis: ready at $REDIS_URL"
}

# zjp_ensure_node_modules: npm ci when node_modules is missing or older than package-lock.json
# (npm writes node_modules/.package-lock.json at every install).
zjp_ensure_node_modules() {
  # a node_modules that is a link (a git worktree sharing another checkout's) is never reinstalled from here:
  # npm ci would empty the other checkout's through the link
  if [ -L node_modules ]; then return 0; fi
  if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    _zjp_log "installing dependencies (npm ci)"
    npm ci --no-audit --no-fund
  fi
}

# The web application is its own npm project (apps/web: React, Ant Design and Vite pin Babel peers that
# Jest's cannot share), with its own lockfile.
zjp_ensure_web_node_modules() {
  if [ -L apps/web/node_modules ]; then return 0; fi
  if [ ! -d apps/web/node_modules ] || [ apps/web/package-lock.json -nt apps/web/node_modules/.package-lock.json ]; then
    _zjp_log "installing the web application's dependencies (npm ci in apps/web)"
    npm ci --prefix apps/web --no-audit --no-fund
  fi
}

# Chromium and CJK fonts for the browser tests (Debian's packages: no browser download), when missing.
zjp_ensure_chromium() {
  if command -v chromium >/dev/null && command -v pdftotext >/dev/null && fc-list 2>/dev/null | grep -qi 'Noto Sans CJK'; then return 0; fi
  # poppler-utils: pdftotext and pdftoppm, with which the tests read the PDFs the platform renders
  _zjp_apt_install chromium fonts-noto-cjk poppler-utils ||
    _zjp_die "chromium, fonts-noto-cjk and poppler-utils are needed for the browser and document tests: apt-get install -y chromium fonts-noto-cjk poppler-utils"
}

zjp_ensure_services() {
  _zjp_ensure_postgres
  _zjp_ensure_redis
  export ZJP_PG_URL ZJP_PG_QUERY ZJP_PG_ADMIN_URL REDIS_URL
}
