#!/usr/bin/env bash
# Type-checks and builds, then runs Jest against a throw-away database and Redis db 1, never the demo's data.
# Usage: npm test [-- JEST_ARGS...]      e.g. npm test -- --selectProjects unit
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/lib/services.sh
source scripts/lib/services.sh

zjp_ensure_node_modules # a no-op after .ci/run's npm ci
zjp_ensure_web_node_modules
zjp_ensure_chromium # Debian's chromium + fonts-noto-cjk for the browser tests (test/browser)
zjp_ensure_services
# Clean slate: zjp_test and what tests made themselves (zjp_test_*), left by an earlier run.
zjp_drop_databases_with_prefix zjp_test
DATABASE_URL=$(zjp_create_database zjp_test)
# Same Redis server, database 1 (replacing any /N already in the URL).
rest=${REDIS_URL#*://}
REDIS_URL="${REDIS_URL%%://*}://${rest%%/*}/1"
export DATABASE_URL REDIS_URL
export REDIS_PREFIX=zjp-test:
export NODE_ENV=test
export JWT_SECRET=zjp-test-jwt-secret-at-least-32-characters
export LOG_LEVEL=${LOG_LEVEL:-warn}

if command -v redis-cli >/dev/null; then # clear what an earlier run left under our prefix
  redis-cli -u "$REDIS_URL" --no-auth-warning eval \
    "for _, k in ipairs(redis.call('keys', ARGV[1])) do redis.call('del', k) end" 0 "zjp-test*" >/dev/null
fi
_zjp_log "tests: DATABASE_URL=$(_zjp_redact "$DATABASE_URL") REDIS_URL=$(_zjp_redact "$REDIS_URL") REDIS_PREFIX=$REDIS_PREFIX"

# The web app's build (apps/web/dist, which the API serves and the browser tests open) on one core, beside
# one tsc pass that type-checks everything else (tests included) and emits dist/ (e2e tests start the built
# API and worker as real processes) on the other. Prettier's check and the type-aware lint need neither:
# they run beside the tests (the machine has no idle core to give them earlier), and their verdict counts.
web_log=$(mktemp)
npm run --silent web:build >"$web_log" 2>&1 &
web_pid=$!
if ! npm run build:checked; then kill "$web_pid" 2>/dev/null || true; cat "$web_log"; exit 1; fi
web_status=0
wait "$web_pid" || web_status=$?
cat "$web_log"
rm -f "$web_log"
[ "$web_status" -eq 0 ] || exit "$web_status"
lint_log=$(mktemp)
{ npm run --silent format:check && npm run lint; } >"$lint_log" 2>&1 &
lint_pid=$!
# the lint's verdict, after whatever ran beside it
lint_verdict() {
  local status=0
  wait "$lint_pid" || status=$?
  echo "--- prettier and lint (run beside the tests) ---"
  cat "$lint_log"
  rm -f "$lint_log"
  return "$status"
}
if [ $# -gt 0 ]; then
  status=0
  npx jest --runInBand "$@" || status=$?
  lint_verdict || exit $?
  exit "$status"
fi

# The whole suite on two cores: unit, integration and e2e files two at a time, and beside them the
# browser tests one file after another (one Chromium at a time, mostly waiting on pages). Each run has its own template database (jest's global
# setup drops and recreates <database>_template) and its own Redis prefixes.
browser_log=$(mktemp)
DATABASE_URL=$(zjp_create_database zjp_test_browser) npx jest --runInBand --selectProjects browser >"$browser_log" 2>&1 &
browser_pid=$!
status=0
npx jest --maxWorkers=2 --selectProjects unit integration e2e || status=$?
browser_status=0
wait "$browser_pid" || browser_status=$?
echo "--- browser tests (run beside the others) ---"
cat "$browser_log"
rm -f "$browser_log"
lint_status=0
lint_verdict || lint_status=$?
[ "$status" -eq 0 ] || exit "$status"
[ "$browser_status" -eq 0 ] || exit "$browser_status"
exit "$lint_status"
