#!/usr/bin/env bash
# Installs Stoplight Prism for the contract tests (tests/tests/contract/) into target/prism/, from
# the committed tests/contract/package.json and package-lock.json, with `npm ci`.
#
# @stoplight/prism-cli 5.14.2: the newest release that runs on Node 20 (5.15 and later declare
# `engines.node >=24`; there is no 5.14.3). Needs Node >= 18.20.1 and npm; nothing else (no
# native addons, no install scripts). Quick when target/prism/ already holds this lock's install.
#
# Exit status: 0 installed (or up to date); 3 Node or npm is missing (the Rust harness treats that
# as a skip outside CI); anything else: npm failed.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
src="$root/tests/contract"
dest="$root/target/prism"

mkdir -p "$dest"
# One install at a time, across test processes too.
exec 9>"$dest/install.lock"
flock 9

for tool in node npm; do
    if ! command -v "$tool" >/dev/null; then
        echo "prism: $tool is missing (Node >= 18.20.1 and npm are needed)" >&2
        exit 3
    fi
done

stamp="$dest/installed.lock.json"
cli="$dest/node_modules/@stoplight/prism-cli/dist/index.js"
if [[ -f $cli && -f $stamp ]] && cmp -s "$stamp" "$src/package-lock.json"; then
    exit 0
fi

cp "$src/package.json" "$src/package-lock.json" "$dest/"
rm -f "$stamp"
(cd "$dest" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >&2)
if [[ ! -f $cli ]]; then
    echo "prism: npm ci succeeded, but $cli is missing" >&2
    exit 1
fi
cp "$src/package-lock.json" "$stamp"
echo "prism: installed $(node "$cli" --version 2>/dev/null || echo '?') in $dest" >&2
