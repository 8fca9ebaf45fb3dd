#!/usr/bin/env bash
# The overhead of the energy profiler at its defaults on a CPU-bound Java program, as docs/PERFORMANCE.md reports it.
# Runs ProfilerOverheadWorkload (a fixed amount of work: hash maps, sorting, SHA-256, BigInteger) PAIRS times without
# and with the profiler (default settings, energy from the best source of this machine), in one of two designs:
#   DESIGN=pinned (default): both runs of a pair at the same time, one worker thread each, each pinned to a core of
#     its own (taskset; the profiled one alternates between the cores). With `erg profile`, erg's own process is
#     pinned to the program's core too: the program keeps its core busy, so everything the profiler does (JFR in the
#     program, erg reading JFR's repository, procfs and the energy source, the JIT compiling all of it) takes time
#     from it: the worst case, a program that uses all of the machine's CPUs. Both runs see the same load from the
#     rest of the machine at the same moment, which a shared machine needs: there, run-to-run differences are tens
#     of percent.
#   DESIGN=sequential: one run after the other, alternating the order (A B, B A, ...), not pinned, once with 1 worker
#     thread and once with as many as there are cores.
# WORKLOAD=mixed (default) is the ordinary work above, which allocates a lot; WORKLOAD=compute is arithmetic that
# allocates nothing (JFR's own cost on allocation and GC does not show there).
# VARIANT says what "with the profiler" is:
#   VARIANT=erg-profile (default): `bin/erg profile -o DIR -- java ...`, the profiler in erg's own process
#   VARIANT=javaagent: `java -javaagent:lib/optional/ergometer-profiler-*.jar=output=DIR ...`, the profiler inside
#     the program's JVM
#   VARIANT=jfr-only: JFR's recording alone (the agent with `record`, nothing reading it): what JFR itself costs
#     (AGENT_ARGS=period=200000000ns for another period, AGENT_ARGS=sampler=execution for the other sampler)
# Per run it records:
#   work   wall time of the work, measured in the program (first round to last): the slowdown the issue asks about
#   wcpu   CPU time of the worker threads (each thread's own clock)
#   half   wall time of the second half of the rounds: the steady state, after start-up and JIT warm-up
#   cpu    CPU time of everything the run started (user + system, from the shell): the program's, and with erg
#          profile erg's own; on a machine whose cores are all busy, the slowdown is this increase
#   wall   wall time of the whole run (JVM start, profiler start-up and the final reports included)
#   jit    time the program's JIT compilers spent compiling (-XX:+CITime, C1 + C2)
# and prints each pair and, per figure, the median change over the pairs with its range.
#     ergometer-benchmarks/run-profiler-overhead.sh            # DESIGN=pinned PAIRS=8 ROUNDS=1500
#     DESIGN=sequential PAIRS=4 ROUNDS=500 ergometer-benchmarks/run-profiler-overhead.sh
#     AGENT_ARGS=period=100ms VARIANT=javaagent ergometer-benchmarks/run-profiler-overhead.sh
#     PROFILE_ARGS="--period 100ms" ergometer-benchmarks/run-profiler-overhead.sh
set -euo pipefail
here=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
root=$(dirname "$here")
pairs=${PAIRS:-8}
rounds=${ROUNDS:-1500}
design=${DESIGN:-pinned}
# shellcheck source=bench-common.sh
. "$here/bench-common.sh"
ergometer_bench_java

work=$(mktemp -d "${TMPDIR:-/tmp}/erg-profiler-overhead.XXXXXX")
trap 'rm -rf "$work"' EXIT
ergometer_bench_build "$work"
dist=$(compgen -G "$root/ergometer-cli/target/ergometer-*/ergometer" | head -n 1)
erg=$dist/bin/erg
agent=$(compgen -G "$dist/lib/optional/ergometer-profiler-*.jar" | head -n 1)
# the javaagent variant names the machine's best source, as erg profile finds it
source=$("$erg" domains 2>/dev/null | awk '$2 ~ /^available/ && $0 ~ /used by default/ { print $1; exit }')
[ -n "$source" ] || { echo "run-profiler-overhead: erg domains finds no energy source here" >&2; exit 125; }
jar=$here/target/benchmarks.jar
main=dev.ergometer.benchmarks.ProfilerOverheadWorkload
variant=${VARIANT:-erg-profile}

# Runs the workload once; prints "work_ms worker_cpu_ms second_half_ms cpu_ms wall_ms jit_ms".
# $1: threads, $2: on|off, $3: the core to pin it to (optional).
run_once() {
  local pin=() prefix=() options=() out times jit run=$work/run-$2 folder=$work/profile-$RANDOM$RANDOM
  [ -z "${3:-}" ] || pin=(taskset -c "$3")
  if [ "$2" = on ]; then
    case $variant in
      erg-profile)
        # shellcheck disable=SC2206
        prefix=("$erg" profile -o "$folder" ${PROFILE_ARGS:-} --) ;;
      javaagent)
        options=("-javaagent:$agent=output=$folder,source=$source${AGENT_ARGS:+,$AGENT_ARGS}" \
          --enable-native-access=ALL-UNNAMED) ;;
      jfr-only)
        options=("-javaagent:$agent=record${AGENT_ARGS:+,$AGENT_ARGS}" "-XX:FlightRecorderOptions:repository=$work/jfr") ;;
      *) echo "run-profiler-overhead: VARIANT is erg-profile, javaagent or jfr-only" >&2; exit 2 ;;
    esac
  fi
  TIMEFORMAT='%3R %3U %3S'
  { time "${pin[@]}" "${prefix[@]}" "$java" "${options[@]}" -XX:+CITime -cp "$jar" "$main" "$1" "$rounds" \
      "${WORKLOAD:-mixed}" \
      >"$run.out" 2>"$run.err"; } 2>"$run.time" || { cat "$run.err" >&2; exit 1; }
  if [ "$2" = on ] && [ "$variant" != jfr-only ]; then
    grep -q 'profile of JVM' "$run.err" \
      || { cat "$run.err" >&2; echo "run-profiler-overhead: the profiler did not run" >&2; exit 1; }
  fi
  out=$(grep '^work_ms=' "$run.out" | sed -e 's/work_ms=//' -e 's/worker_cpu_ms=//' -e 's/second_half_ms=//' \
    -e 's/checksum=.*//')
  jit=$(awk '/C[12] Compile Time:/ { s += $4 } END { printf "%d", s * 1000 }' "$run.out")
  times=$(cat "$run.time")
  awk -v o="$out" -v t="$times" -v j="$jit" 'BEGIN { split(o, a, " "); split(t, b, " ")
    printf "%d %d %d %d %d %d\n", a[1], a[2], a[3], (b[2] + b[3]) * 1000, b[1] * 1000, j }'
}

echo "== $variant, ${WORKLOAD:-mixed} workload; energy source: $source; machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); load $(cut -d' ' -f1-3 /proc/loadavg); $("$java" -version 2>&1 | head -n 1)"
if [ "$design" = pinned ]; then
  [ "$(nproc)" -ge 2 ] && command -v taskset >/dev/null \
    || { echo "run-profiler-overhead: DESIGN=pinned needs 2 cores and taskset (util-linux)" >&2; exit 125; }
  counts=(1)
else
  counts=(1 "$(nproc)")
fi
for threads in "${counts[@]}"; do
  echo "== $design: $threads worker thread(s), $rounds rounds each, $pairs pairs (off / on, change)"
  echo "| pair | work ms | worker CPU ms | second half ms | CPU ms (all processes) | wall ms | JIT ms |"
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
      for (i = 2; i <= 7; i++) printf " %d / %d, %+.1f %% |", $i, $(i + 6), 100 * ($(i + 6) / $i - 1)
      printf "\n" }'
  done
  awk -v threads="$design, $threads" '
    function median(a, n,   i, j, t) {
      for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
      return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
    }
    { n++; for (k = 1; k <= 6; k++) { c[k, n] = 100 * ($(k + 7) / $(k + 1) - 1); d[k, n] = $(k + 7) - $(k + 1) } }
    END {
      split("work,worker CPU,second half,CPU (all processes),wall,JIT", name, ",")
      for (k = 1; k <= 6; k++) {
        lo = hi = c[k, 1]; for (i = 1; i <= n; i++) { v[i] = c[k, i]; w[i] = d[k, i]; if (v[i] < lo) lo = v[i]; if (v[i] > hi) hi = v[i] }
        printf "%s thread(s), %s: median change %+.1f %% (pairs from %+.1f to %+.1f %%), median difference %+d ms\n",
          threads, name[k], median(v, n), lo, hi, median(w, n)
      }
    }' "$work/pairs.txt"
done
