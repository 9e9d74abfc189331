#!/usr/bin/env bash
# Generation time against progenitor: our CLI on the nine vsphere-7.0.3-api files (one process)
# and progenitor 0.15.1's library on each of them, with the fixes it needs (nine processes, times
# summed), interleaved; prints each run and the medians. Both write into fresh directories under
# OUTROOT: /dev/shm by default, which leaves the file system out (on this project's 2-core VM,
# creating a file on ext4 costs about 0.6 ms, and we write 562 files to progenitor's 9; set
# OUTROOT=/tmp to include that). With EXISTING=1 every run writes over the previous run's files
# instead, as regeneration during `cargo build` does (we then create none).
#
# Usage: RUNS=11 bash tests/progenitor-bench/run.sh   (from anywhere; needs ../shared beside the project)
set -euo pipefail
RUNS=${RUNS:-11}
OUTROOT=${OUTROOT:-/dev/shm}
EXISTING=${EXISTING:-0}
source "$(dirname "$0")/common.sh"

out=$(mktemp -d "$OUTROOT/generation-bench.XXXXXX")
trap 'rm -rf "$out"' EXIT
python3 "$here/fix.py" "$specs" "$out/fixed"

# One timed command: prints "wall user sys peak-KiB".
timed() { /usr/bin/time -f "%e %U %S %M" "$@" 2>&1 >/dev/null | tail -1; }

# Where run i writes: a fresh directory, or (EXISTING=1) the one a first, untimed run filled.
out_dir() {
    if [ "$EXISTING" = 1 ]; then echo "$out/$1"; else echo "$out/$1$2"; fi
}
if [ "$EXISTING" = 1 ]; then
    "$ours" generate --out "$out/ours" "$specs" >/dev/null
    mkdir "$out/theirs"
fi

for i in $(seq 1 "$RUNS"); do
    read -r wall user sys rss < <(timed "$ours" generate --out "$(out_dir ours "$i")" "$specs")
    echo "ours $i $wall $user $sys $rss"
    theirs_out=$(out_dir theirs "$i")
    mkdir -p "$theirs_out"
    wall=0 user=0 sys=0 rss=0
    for spec in "$out"/fixed/*.json; do
        read -r w u s m < <(timed "$theirs" "$spec" "$theirs_out/$(basename "$spec" .json).rs")
        wall=$(echo "$wall + $w" | bc) user=$(echo "$user + $u" | bc) sys=$(echo "$sys + $s" | bc)
        [ "$m" -gt "$rss" ] && rss=$m
    done
    echo "progenitor $i $wall $user $sys $rss"
done | tee "$out/times"

python3 - "$out/times" <<'PY'
import statistics, sys
rows = [line.split() for line in open(sys.argv[1])]
def column(who, i):
    return [float(r[i]) for r in rows if r[0] == who]
for who in ("ours", "progenitor"):
    wall = column(who, 2)
    print(f"{who:>10}: median {statistics.median(wall):.3f} s (min {min(wall):.2f}, max {max(wall):.2f}), "
          f"user {statistics.median(column(who, 3)):.2f} s, sys {statistics.median(column(who, 4)):.2f} s, "
          f"peak RSS {statistics.median(column(who, 5)) / 1024:.0f} MiB (largest process)")
ratio = statistics.median(column("ours", 2)) / statistics.median(column("progenitor", 2))
print(f"ratio of the medians, ours / progenitor: {ratio:.3f}")
PY
