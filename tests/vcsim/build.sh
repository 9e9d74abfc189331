#!/usr/bin/env bash
# Builds the vcsim launcher (tests/vcsim/main.go) into $1, default target/vcsim/vcsim.
#
# Needs Go and govmomi's sources from Debian (golang-go, golang-github-vmware-govmomi-dev 0.24.2,
# sources under /usr/share/gocode); installs them with apt-get when they are missing and this
# runs as root. Builds offline, in GOPATH mode, with every cache under target/vcsim/. Quick when
# the binary is already newer than main.go and this script.
#
# Exit status: 0 built (or up to date); 3 Go or govmomi is missing and cannot be installed here
# (the Rust harness treats that as a skip outside CI); anything else: the build failed.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="${1:-$root/target/vcsim/vcsim}"
[[ $out == /* ]] || out="$PWD/$out"
src="$root/tests/vcsim"
work="$root/target/vcsim"
gocode=/usr/share/gocode
govmomi="$gocode/src/github.com/vmware/govmomi"
packages=(golang-go golang-github-vmware-govmomi-dev)

mkdir -p "$work" "$(dirname "$out")"
# One build at a time, across test processes too.
exec 9>"$work/build.lock"
flock 9

if [[ -x $out && $out -nt $src/main.go && $out -nt ${BASH_SOURCE[0]} ]]; then
    exit 0
fi

missing() {
    command -v go >/dev/null || return 0
    [[ -d $govmomi/vapi/simulator ]] || return 0
    return 1
}

if missing; then
    if [[ $(id -u) -ne 0 ]]; then
        echo "vcsim: Go or govmomi is missing (need ${packages[*]}) and installing them needs root" >&2
        exit 3
    fi
    if ! command -v apt-get >/dev/null; then
        echo "vcsim: Go or govmomi is missing (need ${packages[*]}) and there is no apt-get" >&2
        exit 3
    fi
    echo "vcsim: installing ${packages[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    install() { apt-get install -y -q --no-install-recommends "${packages[@]}" >&2; }
    if ! install; then
        apt-get update -q >&2 || true
        if ! install; then
            echo "vcsim: apt-get could not install ${packages[*]}" >&2
            exit 3
        fi
    fi
    if missing; then
        echo "vcsim: ${packages[*]} installed, but go or $govmomi/vapi/simulator is still missing" >&2
        exit 3
    fi
fi

echo "vcsim: building $out" >&2
tmp="$out.tmp.$$"
trap 'rm -f "$tmp"' EXIT
# GOPATH mode (no go.mod, no module proxy): imports resolve from /usr/share/gocode. GOENV=off
# ignores a user's go env file; CGO_ENABLED=0 needs no C compiler.
cd "$src"
env GO111MODULE=off GOPROXY=off GOFLAGS= GOENV=off CGO_ENABLED=0 \
    GOPATH="$work/gopath:$gocode" GOCACHE="$work/gocache" GOTMPDIR= \
    go build -o "$tmp" .
mv -f "$tmp" "$out"
