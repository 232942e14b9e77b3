#!/usr/bin/env bash
# npm run test:resilience: builds once, then runs every resilience check and fails if any fails.
#   - the OpenAPI-driven fuzzer (npm run test:resilience:fuzz): its own PostgreSQL and Redis, the built API,
#     every operation and socket event of the OpenAPI document (FUZZ_RUNS each);
#   - the fault runs (npm run test:resilience:faults): their own PostgreSQL and Redis on their own
#     ports, two API processes and a worker from dist/, kill -9 and restarts during a bid storm.
# Usage: npm run test:resilience [-- --write-doc]   (--write-doc: the fuzzer's and the fault runs' figures into docs/RELIABILITY.md)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/lib/services.sh
source scripts/lib/services.sh

zjp_ensure_node_modules
# The fault runs start their own servers from the installed binaries (never the running ones).
if ! compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null && ! command -v initdb >/dev/null; then
  _zjp_apt_install postgresql || _zjp_die "the fault runs need PostgreSQL's server binaries (initdb, pg_ctl): sudo apt-get install -y postgresql"
fi
_zjp_need redis-server redis-server
npm run build:checked

status=0
npm run test:resilience:fuzz -- "$@" || status=$?
npm run test:resilience:faults -- "$@" || status=$?
exit "$status"
