#!/usr/bin/env bash
# Runs the whole platform locally: services, build, migrations, demo data, api and worker.
# Usage: npm run demo   (PORT=3000 by default; DATABASE_URL / REDIS_URL, when set, are used as they are)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/lib/services.sh
source scripts/lib/services.sh

zjp_ensure_node_modules
zjp_ensure_services
if [ -z "${DATABASE_URL:-}" ]; then
  DATABASE_URL=$(zjp_create_database zjp_demo)
fi
export DATABASE_URL REDIS_URL
export REDIS_PREFIX=${REDIS_PREFIX:-zjp:}
export PORT=${PORT:-3000}
export NODE_ENV=${NODE_ENV:-development}
export JWT_SECRET=${JWT_SECRET:-zjp-demo-secret-not-for-production}

# Payments: with no STRIPE_API_BASE, the demo runs the local Stripe-speaking server (test/stripe-server)
# and points the SDK and its signed webhooks at it; set STRIPE_API_BASE (and real keys) to use Stripe.
start_stripe_server=0
if [ -z "${STRIPE_API_BASE:-}" ]; then
  export STRIPE_SERVER_PORT=${STRIPE_SERVER_PORT:-12111}
  export STRIPE_API_BASE="http://127.0.0.1:$STRIPE_SERVER_PORT"
  export STRIPE_WEBHOOK_URL="http://127.0.0.1:$PORT/payments/stripe/webhook"
  start_stripe_server=1
fi

# Something already answering on PORT would fool the readiness check below.
if _zjp_tcp_open 127.0.0.1 "$PORT"; then
  _zjp_die "port $PORT is already in use; stop that program or run: PORT=3001 npm run demo"
fi

npm run build
npm run db:migrate
npm run db:seed

# Each child gets its own process group (setsid), so stopping it stops npm and node under it.
pids=()
helpers=() # stopped with the demo, but their end does not end it
# shellcheck disable=SC2317 # called from the traps below
stop_children() {
  trap - INT TERM EXIT
  local pid i alive
  for pid in "${pids[@]}" "${helpers[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || true; done
  for ((i = 0; i < 10; i++)); do # give them 10s to shut down cleanly, then insist
    alive=0
    for pid in "${pids[@]}" "${helpers[@]}"; do kill -0 -- "-$pid" 2>/dev/null && alive=1; done
    ((alive)) || break
    sleep 1
  done
  for pid in "${pids[@]}" "${helpers[@]}"; do kill -KILL -- "-$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap 'stop_children; exit 130' INT
trap 'stop_children; exit 143' TERM
trap stop_children EXIT

setsid npm run start:api &
pids+=("$!")
setsid npm run start:worker &
pids+=("$!")
if ((start_stripe_server)); then
  setsid node -r @swc-node/register test/stripe-server/main.ts &
  pids+=("$!")
fi

ready() {
  node -e 'fetch(process.argv[1]).then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))' \
    "http://127.0.0.1:$PORT/health/ready"
}
max_wait=90 # seconds
for ((i = 0; ; i++)); do
  ready && break
  for pid in "${pids[@]}"; do
    kill -0 "$pid" 2>/dev/null || _zjp_die "api or worker exited during start-up (see above)"
  done
  ((i < max_wait)) || _zjp_die "api not ready on http://127.0.0.1:$PORT/health/ready after ${max_wait}s"
  sleep 1
done

# Demo bidders (demo only): two demo enterprises bid on the open lots of the themed sessions through the HTTP API.
if [ "${DEMO_BIDDERS:-1}" != 0 ]; then
  API_URL="http://127.0.0.1:$PORT" setsid node -r @swc-node/register scripts/demo-bidders.ts &
  helpers+=("$!")
fi

cat >&2 <<MSG

  浙江拍 is running:   http://127.0.0.1:$PORT
  API docs (OpenAPI): http://127.0.0.1:$PORT/api/docs
  Stripe API used:    $STRIPE_API_BASE
  Demo accounts:      see "Demo accounts" in README.md
  Demo bidders:       scripts/demo-bidders.ts (DEMO_BIDDERS=0: none)
  Press Ctrl-C to stop.

MSG

# Whichever child ends first ends the demo; the EXIT trap stops the other.
status=0
wait -n "${pids[@]}" || status=$?
_zjp_log "a child process exited (status $status); stopping"
exit "$status"
