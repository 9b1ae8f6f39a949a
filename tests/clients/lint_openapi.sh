#!/bin/sh
# Lint the spec with Redocly CLI, configured by redocly.yaml (recommended-strict: any finding fails).
# Run by ctest as lint.openapi:
#   lint_openapi.sh SOURCE_DIR [SPEC]
# SOURCE_DIR holds node_modules (npm ci) and redocly.yaml; SPEC defaults to SOURCE_DIR/openapi.yaml.
# Exit 77 (skipped) without Node.js.
set -eu
src=$1
spec=${2:-$src/openapi.yaml}

if ! command -v node >/dev/null 2>&1; then
  echo "node not found: skipped"
  exit 77
fi
redocly=$src/node_modules/.bin/redocly
if [ ! -x "$redocly" ]; then
  echo "$redocly is missing: run 'npm ci' in $src (or ./demo setup)" >&2
  exit 1
fi

# No usage data to Redocly, whatever the configuration says; no update notices.
export REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true
"$redocly" --version
exec "$redocly" lint --config "$src/redocly.yaml" --format stylish "$spec"
