#!/usr/bin/env bash
# The CPU and memory cost of a running `erg agent`, as docs/PERFORMANCE.md reports it. Runs the packaged bin/erg agent
# against the benchmarks' fake two-socket powercap tree (8 RAPL domains, so the figures do not depend on this machine
# having RAPL) and the real /proc, in two set-ups:
#   1 Hz:  sampling and attribution (every process of this machine) every second, two sinks (CSV and JSON Lines files)
#   1 kHz: machine domains only (no attribution, no sinks), sampled every millisecond
# Each runs WARMUP_S (10) seconds, then CPU time (utime + stime of the JVM, all threads) and RSS (VmRSS, VmHWM) are
# read from /proc over MEASURE_S (60) seconds. Usage: ergometer-benchmarks/run-agent-cost.sh
set -euo pipefail
here=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
root=$(dirname "$here")
warmup=${WARMUP_S:-10}
measure=${MEASURE_S:-60}
# shellcheck source=bench-common.sh
. "$here/bench-common.sh"
ergometer_bench_java

work=$(mktemp -d "${TMPDIR:-/tmp}/erg-agent-cost.XXXXXX")
agent_pid=""
cleanup() {
  [ -z "$agent_pid" ] || kill "$agent_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
ergometer_bench_build "$work"
"$java" -cp "$here/target/benchmarks.jar" dev.ergometer.benchmarks.MakeFakeTree "$work/sys" >/dev/null
erg=$(compgen -G "$root/ergometer-cli/target/ergometer-*/ergometer/bin/erg" | head -n 1)
ticks=$(getconf CLK_TCK)

# Prints the JVM's CPU ticks (utime + stime) from /proc/PID/stat.
cpu_ticks() {
  local stat
  stat=$(cat "/proc/$1/stat")
  stat=${stat##*) }
  # shellcheck disable=SC2086
  set -- $stat
  echo $((${12} + ${13}))
}

# Runs the agent with the given environment for warmup + measure seconds; prints one table row.
run_case() {
  local name=$1 before after kib hwm samples
  shift
  env "$@" HTTP_PORT=0 LOG_LEVEL=WARN "$erg" agent --sysfs "$work/sys" >"$work/$name.log" 2>&1 &
  agent_pid=$!
  sleep "$warmup"
  # bin/erg execs the JVM, so the pid is the JVM's.
  before=$(cpu_ticks "$agent_pid")
  sleep "$measure"
  after=$(cpu_ticks "$agent_pid")
  kib=$(awk '/^VmRSS/ { print $2 }' "/proc/$agent_pid/status")
  hwm=$(awk '/^VmHWM/ { print $2 }' "/proc/$agent_pid/status")
  samples=$(grep -o 'ergometer agent: source [^,]*' "$work/$name.log" | head -n 1 || true)
  kill -TERM "$agent_pid"
  wait "$agent_pid" || true
  agent_pid=""
  awk -v n="$name" -v b="$before" -v a="$after" -v t="$ticks" -v s="$measure" -v r="$kib" -v h="$hwm" 'BEGIN {
    printf "| %s | %.2f %% of one core | %.0f MiB | %.0f MiB |\n", n, 100 * (a - b) / t / s, r / 1024, h / 1024 }'
}

echo "== agent cost over ${measure} s after ${warmup} s (machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(cut -d' ' -f1-3 /proc/loadavg), $(ls /proc | grep -c '^[0-9]') processes)"
echo "| set-up | CPU | RSS at the end | peak RSS |"
echo "|---|---|---|---|"
run_case "1 Hz, attribution, CSV + JSON Lines sinks" SCRAPE_INTERVAL_S=1 ATTRIBUTION=true ATTRIBUTION_INTERVAL_S=1 \
  PUSH_INTERVAL_S=4 CSV_FILE="$work/agent.csv" JSONL_FILE="$work/agent.jsonl"
run_case "1 kHz, machine domains only" SCRAPE_INTERVAL_S=0.001 ATTRIBUTION=false
