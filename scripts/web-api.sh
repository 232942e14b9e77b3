#!/usr/bin/env bash
# Regenerates the web application's API types (apps/web/src/api/schema.d.ts) from the API's
# OpenAPI document, so that the web app and the API cannot drift. Run after changing a controller
# or a DTO; a test (test/e2e/web-app.e2e-spec.ts) fails when the checked-in file is not current.
# Usage: npm run web:api
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/lib/services.sh
source scripts/lib/services.sh

zjp_ensure_node_modules
zjp_ensure_web_node_modules
unset DATABASE_URL
zjp_ensure_services
zjp_drop_database zjp_openapi
DATABASE_URL=$(zjp_create_database zjp_openapi)
export DATABASE_URL REDIS_URL NODE_ENV=test LOG_LEVEL=warn REDIS_PREFIX=zjp-openapi:
export JWT_SECRET=zjp-test-jwt-secret-at-least-32-characters
doc=$(mktemp --suffix .json)
node -r @swc-node/register scripts/openapi-document.ts "$doc"
zjp_drop_database zjp_openapi
bash scripts/web-api-types.sh "$doc" apps/web/src/api/schema.d.ts
rm -f "$doc"
echo "apps/web/src/api/schema.d.ts regenerated"
