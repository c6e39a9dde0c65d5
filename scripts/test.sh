#!/usr/bin/env bash
# Runs every test suite of the repository. Server and SDK suites use node:test, which prints its
# own closing counts; any suite that does not (vitest, for the web components) gets a plain
# "N passed, N failed" line so CI can read it.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== typecheck (server, sdk, web)"
npm run typecheck

echo "== server tests (SQLite${TEST_DATABASE_URL:+ and PostgreSQL})"
npm test -w @tagwright/server

for workspace in packages/sdk packages/web; do
  if [[ -f "$workspace/package.json" ]] && grep -q '"test"' "$workspace/package.json"; then
    echo "== $workspace tests"
    npm test -w "./$workspace"
  fi
done
