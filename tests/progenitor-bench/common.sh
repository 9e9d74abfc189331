# Sourced by run.sh and check.sh: where things are, what they need, and both generators built
# (release): $ours (vsphere-codegen) and $theirs (progenitor's library, src/main.rs).
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
specs="$root/../shared/specs/vsphere-7.0.3-api"
[ -x /usr/bin/time ] || { echo "FAILED: /usr/bin/time (Debian package time) is needed" >&2; exit 1; }
[ -d "$specs" ] || { echo "FAILED: $specs is absent (../shared beside the project)" >&2; exit 1; }

cargo build --quiet --release --locked --manifest-path "$root/Cargo.toml" -p vsphere-codegen
cargo build --quiet --release --locked --manifest-path "$here/Cargo.toml" --target-dir "$root/target"
ours="$root/target/release/vsphere-codegen"
theirs="$root/target/release/progenitor-bench"
