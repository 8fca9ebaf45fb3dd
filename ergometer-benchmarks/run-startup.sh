#!/usr/bin/env bash
# run-startup.sh: what `erg measure -- true` costs over `true` (JVM start included), and which JVM start-up flags
# pay, measured with hyperfine (apt-get install hyperfine) or, without it, a bash loop. From the repository root:
#     ergometer-benchmarks/run-startup.sh            # overhead: true, erg --idle off, erg with the default idle
#     ergometer-benchmarks/run-startup.sh --flags    # and the JVM flags of bin/erg, with and without each
# RUNS sets the runs per command (default 30). When this machine has no energy source, erg reads a fake powercap
# tree made by MakeFakeTree (--sysfs), which runs the same code as real RAPL files.
set -euo pipefail
here=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
root=$(dirname "$here")
runs=${RUNS:-30}
# shellcheck source=bench-common.sh
. "$here/bench-common.sh"
ergometer_bench_java

work=$(mktemp -d "${TMPDIR:-/tmp}/erg-startup.XXXXXX")
trap 'rm -rf "$work"' EXIT
ergometer_bench_build "$work"
sysfs=()
if ! ./erg measure --idle off -- true >/dev/null 2>&1; then
  "$java" -cp "$here/target/benchmarks.jar" dev.ergometer.benchmarks.MakeFakeTree "$work/sys" >/dev/null
  sysfs=(--sysfs "$work/sys")
  echo "== no energy source here: erg reads a fake powercap tree ($work/sys)"
fi
./erg measure "${sysfs[@]}" --idle off -- true >/dev/null 2>&1  # makes the start-up cache if it is missing

# time NAME COMMAND...: mean ± sd over $runs runs, after 3 warm-up runs.
time_commands() {
  if command -v hyperfine >/dev/null; then
    hyperfine -N --style basic --warmup 3 --runs "$runs" --export-markdown "$work/table.md" "$@" >/dev/null
    cat "$work/table.md"
  else
    echo "(hyperfine not found: bash loop with date +%s%N)"
    local cmd i start end
    for cmd in "$@"; do
      for i in 1 2 3; do bash -c "$cmd" >/dev/null 2>&1 || true; done
      for ((i = 0; i < runs; i++)); do
        start=$(date +%s%N); bash -c "$cmd" >/dev/null 2>&1 || true; end=$(date +%s%N)
        echo $(((end - start) / 1000))
      done | awk -v c="$cmd" '{ s += $1; q += $1 * $1; n++ }
        END { m = s / n; printf "| `%s` | %.1f ± %.1f ms |\n", c, m / 1000, sqrt((q - n * m * m) / (n - 1)) / 1000 }'
    done
  fi
}

lib=$(compgen -G "$root/ergometer-cli/target/ergometer-*/ergometer/lib" | head -n 1)
echo "== overhead of erg measure ($runs runs each; machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg))"
time_commands "true" "./erg measure ${sysfs[*]} --idle off -- true" "./erg measure ${sysfs[*]} -- true" \
  "${lib%/lib}/bin/erg measure ${sysfs[*]} --idle off -- true"

[ "${1:-}" = --flags ] || exit 0
base=(--enable-native-access=ALL-UNNAMED)
quiet=('-Xlog:aot*=off' '-Xlog:cds*=off')
run=(-cp "$lib/*" dev.ergometer.cli.Erg measure "${sysfs[@]}" --idle off -- true)
# The same, as words for hyperfine's command lines.
q="'-Xlog:aot*=off' '-Xlog:cds*=off'"
args="-cp '$lib/*' dev.ergometer.cli.Erg measure ${sysfs[*]} --idle off -- true"
# aot NAME FLAGS...: trains an AOT cache with exactly these flags, as bin/erg does, and prints the flags that use it.
aot() {
  local name=$1
  shift
  "$java" "${base[@]}" "$@" "${quiet[@]}" -XX:AOTMode=record -XX:AOTConfiguration="$work/$name.conf" "${run[@]}" \
    >/dev/null 2>&1
  "$java" "${base[@]}" "$@" "${quiet[@]}" -XX:AOTMode=create -XX:AOTConfiguration="$work/$name.conf" \
    -XX:AOTCache="$work/$name.aot" -cp "$lib/*" >/dev/null 2>&1
  printf '%s' "-XX:AOTCache=$work/$name.aot $q"
}
c1=-XX:TieredStopAtLevel=1
serial=-XX:+UseSerialGC
j="$java ${base[*]}"
# The previous launcher's dynamic CDS archive, made by whichever run came first: here `erg --version`.
"$java" "${base[@]}" $serial $c1 -XX:SharedArchiveFile="$work/dynamic-version.jsa" -XX:+AutoCreateSharedArchive \
  "${quiet[@]}" -cp "$lib/*" dev.ergometer.cli.Erg --version >/dev/null 2>&1
echo "== JVM flags (java run directly, --idle off; bin/erg uses the first line's)"
time_commands \
  "$j $serial $c1 $(aot launcher $serial $c1) $args" \
  "$j $serial $c1 $(aot perf $serial $c1 -XX:-UsePerfData) -XX:-UsePerfData $args" \
  "$j $c1 $(aot g1 $c1) $args" \
  "$j $serial $(aot tiered $serial) $args" \
  "$j $serial $c1 -XX:SharedArchiveFile=$work/dynamic.jsa -XX:+AutoCreateSharedArchive $q $args" \
  "$j $serial $c1 -XX:SharedArchiveFile=$work/dynamic-version.jsa -XX:+AutoCreateSharedArchive $q $args" \
  "$j $serial $c1 $args" \
  "$j $args"
