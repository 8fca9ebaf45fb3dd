#!/usr/bin/env bash
# The overhead of the energy profiler (erg profile / -javaagent) at its defaults on a CPU-bound Java program, as
# docs/PERFORMANCE.md reports it. Runs ProfilerOverheadWorkload (a fixed amount of work: hash maps, sorting, SHA-256,
# BigInteger) PAIRS times without and with -javaagent:lib/ergometer-profiler-*.jar (default settings, energy from
# the best source of this machine), in alternating order (A B, B A, ...) so that a change in the machine's load hits
# both alike, once with 1 worker thread and once with as many as there are cores. Prints each pair and, per thread
# count, the median slowdown with its range, for the work time (measured in the program: first round to last) and
# the process's wall time (JVM start, agent start-up and the final reports included).
#     ergometer-benchmarks/run-profiler-overhead.sh            # PAIRS=8, ROUNDS=300 (about 15 s a run here)
#     PAIRS=4 ROUNDS=100 ergometer-benchmarks/run-profiler-overhead.sh
set -euo pipefail
here=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
root=$(dirname "$here")
pairs=${PAIRS:-8}
rounds=${ROUNDS:-300}
# shellcheck source=../ergometer-cli/src/dist/bin/find-jdk
. "$root/ergometer-cli/src/dist/bin/find-jdk"
java=$(ergometer_find_java) || exit 125
JAVA_HOME=$(dirname "$(dirname "$(readlink -f "$java")")")
export JAVA_HOME

work=$(mktemp -d "${TMPDIR:-/tmp}/erg-profiler-overhead.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$root"
echo "== building (./erg and the benchmarks jar)"
./erg --version >/dev/null
(./mvnw -q -B -pl ergometer-benchmarks -am package -DskipTests) >"$work/build.log" 2>&1 \
  || { tail -n 40 "$work/build.log" >&2; exit 1; }
agent=$(compgen -G "$root/ergometer-cli/target/ergometer-*/ergometer/lib/ergometer-profiler-*.jar" | head -n 1)
jar=$here/target/benchmarks.jar
main=dev.ergometer.benchmarks.ProfilerOverheadWorkload

# Runs the workload once; prints "work_ms wall_ms". $1: threads, $2: "on" with the profiler.
run_once() {
  local start end out options=()
  if [ "$2" = on ]; then
    options=("-javaagent:$agent=output=$work/profile-$RANDOM$RANDOM" --enable-native-access=ALL-UNNAMED)
  fi
  start=$(date +%s%N)
  out=$("$java" "${options[@]}" -cp "$jar" "$main" "$1" "$rounds" 2>"$work/stderr.txt") \
    || { cat "$work/stderr.txt" >&2; exit 1; }
  end=$(date +%s%N)
  [ "$2" = off ] || grep -q 'profile of JVM' "$work/stderr.txt" \
    || { cat "$work/stderr.txt" >&2; echo "run-profiler-overhead: the profiler did not run" >&2; exit 1; }
  echo "${out#work_ms=}" | awk -v wall=$(((end - start) / 1000000)) '{ print $1, wall }'
}

echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); load $(cut -d' ' -f1-3 /proc/loadavg); $("$java" -version 2>&1 | head -n 1)"
for threads in 1 "$(nproc)"; do
  echo "== $threads worker thread(s), $rounds rounds each, $pairs pairs"
  echo "| pair | work ms off | work ms on | work slowdown | wall ms off | wall ms on | wall slowdown |"
  echo "|---|---|---|---|---|---|---|"
  : >"$work/pairs.txt"
  for pair in $(seq 1 "$pairs"); do
    if [ $((pair % 2)) = 1 ]; then
      off=$(run_once "$threads" off); on=$(run_once "$threads" on)
    else
      on=$(run_once "$threads" on); off=$(run_once "$threads" off)
    fi
    echo "$pair $off $on" | tee -a "$work/pairs.txt" | awk '{
      printf "| %d | %d | %d | %+.1f %% | %d | %d | %+.1f %% |\n", $1, $2, $4, 100 * ($4 / $2 - 1), $3, $5, 100 * ($5 / $3 - 1) }'
  done
  awk -v threads="$threads" '
    function median(a, n,   i, j, t) {
      for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
      return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
    }
    { n++; w[n] = 100 * ($4 / $2 - 1); v[n] = 100 * ($5 / $3 - 1); so += $2; sn += $4
      if (n == 1 || w[n] < wmin) wmin = w[n]; if (n == 1 || w[n] > wmax) wmax = w[n]
      if (n == 1 || v[n] < vmin) vmin = v[n]; if (n == 1 || v[n] > vmax) vmax = v[n] }
    END {
      printf "%d thread(s): work slowdown median %+.1f %% (pairs from %+.1f to %+.1f %%; total work time %+.1f %%); wall slowdown median %+.1f %% (from %+.1f to %+.1f %%)\n",
        threads, median(w, n), wmin, wmax, 100 * (sn / so - 1), median(v, n), vmin, vmax }' "$work/pairs.txt"
done
