#!/usr/bin/env bash
# The overhead of the energy profiler (erg profile / -javaagent) at its defaults on a CPU-bound Java program, as
# docs/PERFORMANCE.md reports it. Runs ProfilerOverheadWorkload (a fixed amount of work: hash maps, sorting, SHA-256,
# BigInteger) PAIRS times without and with -javaagent:lib/ergometer-profiler-*.jar (default settings, energy from
# the best source of this machine), in one of two designs:
#   DESIGN=pinned (default): both runs of a pair at the same time, one worker thread each, each JVM pinned to a core
#     of its own (taskset; the profiled one alternates between the cores). The program keeps its core busy, so the
#     profiler's threads and the JIT work they cause take time from it: the worst case, a program that uses all of
#     its CPUs. Both runs see the same load from the rest of the machine at the same moment, which a shared machine
#     needs: there, run-to-run differences are tens of percent.
#   DESIGN=sequential: one run after the other, alternating the order (A B, B A, ...), not pinned, once with 1 worker
#     thread and once with as many as there are cores.
# Per run it records:
#   work   wall time of the work, measured in the program (first round to last)
#   wcpu   CPU time of the worker threads (each thread's own clock): what the profiler costs the program's threads
#   pcpu   CPU time of the whole process (user + system, from the shell): the program's and the profiler's, start-up
#          and exit included; on a machine whose cores are all busy, the slowdown is this increase
#   wall   wall time of the process (JVM start, profiler start-up and the final reports included)
#   jit    time the JIT compilers spent compiling (-XX:+CITime, C1 + C2): the profiler's code gets compiled too
#   prof   (with the profiler) CPU time of the profiler's and JFR's threads, from the profile's own threads.csv
# and prints each pair and, per figure, the median change over the pairs with its range. On a shared virtual machine
# even CPU times move by tens of percent from run to run (the guest counts time the host takes from it), so the
# direct figures (prof, jit) bound the cost better than the differences do.
#     ergometer-benchmarks/run-profiler-overhead.sh            # DESIGN=pinned PAIRS=8 ROUNDS=1500
#     DESIGN=sequential PAIRS=4 ROUNDS=500 ergometer-benchmarks/run-profiler-overhead.sh
#     AGENT_ARGS=period=100ms ergometer-benchmarks/run-profiler-overhead.sh    # other agent settings than the defaults
#     VARIANT=jfr-only ergometer-benchmarks/run-profiler-overhead.sh   # "on" is JFR alone (JfrOnlyWorkload), no profiler
set -euo pipefail
here=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
root=$(dirname "$here")
pairs=${PAIRS:-8}
rounds=${ROUNDS:-1500}
design=${DESIGN:-pinned}
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
# erg profile names the machine's best source to the agent (so that it opens that one alone): do the same
source=$(./erg domains 2>/dev/null | awk '$2 ~ /^available/ && $0 ~ /used by default/ { print $1; exit }')
[ -n "$source" ] || { echo "run-profiler-overhead: erg domains finds no energy source here" >&2; exit 125; }
jar=$here/target/benchmarks.jar
main=dev.ergometer.benchmarks.ProfilerOverheadWorkload

# Runs the workload once; prints "work_ms worker_cpu_ms process_cpu_ms wall_ms jit_ms profiler_ms".
# $1: threads, $2: on|off, $3: the core to pin it to (optional).
run_once() {
  local options=() pin=() out times jit prof=0 run=$work/run-$2 folder=$work/profile-$RANDOM$RANDOM
  local class=$main
  if [ "$2" = on ] && [ "${VARIANT:-profiler}" = jfr-only ]; then
    class=dev.ergometer.benchmarks.JfrOnlyWorkload
  elif [ "$2" = on ]; then
    options=("-javaagent:$agent=output=$folder,source=$source${AGENT_ARGS:+,$AGENT_ARGS}" \
      --enable-native-access=ALL-UNNAMED)
  fi
  [ -z "${3:-}" ] || pin=(taskset -c "$3")
  TIMEFORMAT='%3R %3U %3S'
  { time "${pin[@]}" "$java" "${options[@]}" -XX:+CITime -cp "$jar" "$class" "$1" "$rounds" >"$run.out" \
      2>"$run.err"; } 2>"$run.time" || { cat "$run.err" >&2; exit 1; }
  if [ "$2" = on ] && [ "$class" = "$main" ]; then
    grep -q 'profile of JVM' "$run.err" \
      || { cat "$run.err" >&2; echo "run-profiler-overhead: the profiler did not run" >&2; exit 1; }
    prof=$(awk -F, '$3 == "profiler" { s += $4 } END { printf "%d", s * 1000 }' "$folder/threads.csv")
  fi
  out=$(grep '^work_ms=' "$run.out" | sed -e 's/work_ms=//' -e 's/worker_cpu_ms=//' -e 's/checksum=.*//')
  jit=$(awk '/C[12] Compile Time:/ { s += $4 } END { printf "%d", s * 1000 }' "$run.out")
  times=$(cat "$run.time")
  awk -v o="$out" -v t="$times" -v j="$jit" -v p="$prof" 'BEGIN { split(o, a, " "); split(t, b, " ")
    printf "%d %d %d %d %d %d\n", a[1], a[2], (b[2] + b[3]) * 1000, b[1] * 1000, j, p }'
}

echo "== energy source: $source; machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); load $(cut -d' ' -f1-3 /proc/loadavg); $("$java" -version 2>&1 | head -n 1)"
if [ "$design" = pinned ]; then
  [ "$(nproc)" -ge 2 ] && command -v taskset >/dev/null \
    || { echo "run-profiler-overhead: DESIGN=pinned needs 2 cores and taskset (util-linux)" >&2; exit 125; }
  counts=(1)
else
  counts=(1 "$(nproc)")
fi
for threads in "${counts[@]}"; do
  echo "== $design: $threads worker thread(s), $rounds rounds each, $pairs pairs (off / on, change)"
  echo "| pair | work ms | worker CPU ms | process CPU ms | wall ms | JIT ms | profiler threads ms |"
  echo "|---|---|---|---|---|---|---|"
  : >"$work/pairs.txt"
  for pair in $(seq 1 "$pairs"); do
    if [ "$design" = pinned ]; then
      # the same moment, a core each; the profiled run takes core 0, then core 1, ...
      run_once "$threads" off $(((pair + 1) % 2)) >"$work/off.txt" &
      on=$(run_once "$threads" on $((pair % 2)))
      wait $!
      off=$(cat "$work/off.txt")
    elif [ $((pair % 2)) = 1 ]; then
      off=$(run_once "$threads" off); on=$(run_once "$threads" on)
    else
      on=$(run_once "$threads" on); off=$(run_once "$threads" off)
    fi
    echo "$pair $off $on" | tee -a "$work/pairs.txt" | awk '{
      printf "| %d |", $1
      for (i = 2; i <= 6; i++) printf " %d / %d, %+.1f %% |", $i, $(i + 6), 100 * ($(i + 6) / $i - 1)
      printf " %d (%.1f %% of the process CPU) |\n", $13, 100 * $13 / $10 }'
  done
  awk -v threads="$design, $threads" '
    function median(a, n,   i, j, t) {
      for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
      return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
    }
    { n++; for (k = 1; k <= 5; k++) { c[k, n] = 100 * ($(k + 7) / $(k + 1) - 1); d[k, n] = $(k + 7) - $(k + 1) }
      p[n] = 100 * $13 / $10; q[n] = $13 }
    END {
      split("work,worker CPU,process CPU,wall,JIT", name, ",")
      for (k = 1; k <= 5; k++) {
        lo = hi = c[k, 1]; for (i = 1; i <= n; i++) { v[i] = c[k, i]; w[i] = d[k, i]; if (v[i] < lo) lo = v[i]; if (v[i] > hi) hi = v[i] }
        printf "%s thread(s), %s: median change %+.1f %% (pairs from %+.1f to %+.1f %%), median difference %+d ms\n",
          threads, name[k], median(v, n), lo, hi, median(w, n)
      }
      lo = hi = p[1]; for (i = 1; i <= n; i++) { if (p[i] < lo) lo = p[i]; if (p[i] > hi) hi = p[i] }
      printf "%s thread(s), profiler threads: median %d ms, %.1f %% of the process CPU (runs from %.1f to %.1f %%)\n",
        threads, median(q, n), median(p, n), lo, hi
    }' "$work/pairs.txt"
done
