#!/bin/sh
# Generate the TypeScript client types from the spec with openapi-typescript, then type-check usage.ts
# against them with tsc (strict; tsconfig.json next to this file).  Run by ctest as clients.typescript:
#   check.sh SOURCE_DIR OUT_DIR [SPEC]
# SOURCE_DIR holds node_modules (npm ci); OUT_DIR receives api.d.ts and the tsconfig.json that maps
# "async-demo-api" to it; SPEC defaults to SOURCE_DIR/openapi.yaml.  Exit 77 (skipped) without Node.js.
set -eu
src=$1
out=$2
spec=${3:-$src/openapi.yaml}

if ! command -v node >/dev/null 2>&1; then
  echo "node not found: skipped"
  exit 77
fi
here=$(cd "$(dirname "$0")" && pwd)
bin=$src/node_modules/.bin
for tool in openapi-typescript tsc; do
  if [ ! -x "$bin/$tool" ]; then
    echo "$bin/$tool is missing: run 'npm ci' in $src (or ./demo setup)" >&2
    exit 1
  fi
done

mkdir -p "$out"
rm -f "$out/api.d.ts"
"$bin/openapi-typescript" "$spec" --output "$out/api.d.ts"

cat >"$out/tsconfig.json" <<JSON
{
  "extends": "$here/tsconfig.json",
  "files": ["$here/usage.ts"],
  "compilerOptions": {
    "paths": { "async-demo-api": ["./api.d.ts"] }
  }
}
JSON

"$bin/tsc" --version
"$bin/tsc" --noEmit --pretty false -p "$out/tsconfig.json"
echo "usage.ts type-checks against the types generated from $spec"
