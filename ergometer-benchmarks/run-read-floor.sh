#!/usr/bin/env bash
# run-read-floor.sh: how far PowercapSource.read(long[]) is from the C floor, measured on one fake powercap tree in
# one run. Builds the benchmarks jar, makes ONE two-socket tree (8 energy_uj files) with MakeFakeTree, compiles
# src/main/c/pread_floor.c with gcc -O2, then runs: the C floor, JMH PowercapReadBenchmark (with -prof gc), the C
# floor again; prints both figures and the ratio Java / C (goal: at most 1.5).
#     ergometer-benchmarks/run-read-floor.sh                 # full run, about 2 minutes
#     ergometer-benchmarks/run-read-floor.sh -f 1 -i 5       # extra arguments go to JMH (here: shorter)
# C_SECONDS sets the length of each of the 5 C repetitions (default 2). Needs gcc and a JDK 25 or newer.
set -euo pipefail
here=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
root=$(dirname "$here")
# shellcheck source=bench-common.sh
. "$here/bench-common.sh"
ergometer_bench_java
command -v gcc >/dev/null || { echo "run-read-floor: gcc is needed for the C floor: apt-get install gcc" >&2; exit 125; }

work=$(mktemp -d "${TMPDIR:-/tmp}/erg-read-floor.XXXXXX")
trap 'rm -rf "$work"' EXIT
jar=$here/target/benchmarks.jar

echo "== building $jar"
(cd "$root" && ./mvnw -q -B -pl ergometer-benchmarks -am package -DskipTests) >"$work/build.log" 2>&1 \
  || { tail -n 40 "$work/build.log" >&2; echo "run-read-floor: the build failed (log above)" >&2; exit 1; }
tree=$("$java" -cp "$jar" dev.ergometer.benchmarks.MakeFakeTree "$work/sys")
gcc -O2 -Wall -Wextra -o "$work/pread_floor" "$here/src/main/c/pread_floor.c"

floor() {
  echo "== C floor ($1): pread + parse of the 8 energy_uj files, 5 x ${C_SECONDS:-2} s after a 1 s warm-up"
  "$work/pread_floor" "$tree" "${C_SECONDS:-2}" | tee "$work/floor-$1.txt"
}
floor before
echo "== JMH PowercapReadBenchmark on the same tree"
"$java" -jar "$jar" 'PowercapReadBenchmark.read$' -p sysfs="$tree" -prof gc -rf csv -rff "$work/jmh.csv" "$@" \
  | tee "$work/jmh.txt" | grep -E '^(Benchmark|PowercapReadBenchmark)' || true
floor after

median() { awk '$1 == "min" { print $4 }' "$work/floor-$1.txt"; }
jmh() { # column $2 of the CSV row of metric $1 ("Score" is column 5, its error column 6)
  awk -F, -v m="\"dev.ergometer.benchmarks.PowercapReadBenchmark.$1\"" '$1 == m { gsub(/"/, "", $'"$2"'); print $'"$2"' }' \
    "$work/jmh.csv"
}
c_before=$(median before)
c_after=$(median after)
java_ns=$(jmh read 5)
java_err=$(jmh read 6)
alloc=$(jmh 'read:gc.alloc.rate.norm' 5)
[ -n "$java_ns" ] || { echo "run-read-floor: JMH gave no score; its output is above" >&2; exit 1; }
awk -v b="$c_before" -v a="$c_after" -v j="$java_ns" -v e="$java_err" -v g="$alloc" 'BEGIN {
  c = (b + a) / 2
  printf "\nC floor (median of 5 repetitions): %.1f ns before, %.1f ns after JMH; mean %.1f ns per read of 8\n", b, a, c
  printf "Java PowercapSource.read:          %.1f ± %.1f ns per read of 8 (JMH, 99.9%% CI); %s B/op allocated\n", j, e, g
  printf "ratio Java / C:                    %.2f (goal: <= 1.50)\n", j / c
}'
