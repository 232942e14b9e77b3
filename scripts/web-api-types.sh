#!/usr/bin/env bash
# The web client's types from an OpenAPI document: web-api-types.sh DOCUMENT.json OUTPUT.d.ts
# (openapi-typescript, then Prettier, so that the checked-in file is formatted like the rest).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
apps/web/node_modules/.bin/openapi-typescript "$1" --output "$2" --alphabetize --root-types >/dev/null
node_modules/.bin/prettier --config .prettierrc.json --log-level warn --write "$2"
