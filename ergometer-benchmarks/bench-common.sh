# bench-common.sh: what the run-*.sh scripts of ergometer-benchmarks share. Source it after setting $root (the
# repository) and $here (this folder):
#     . "$here/bench-common.sh"
#     ergometer_bench_java                 # $java: a JDK 25 or newer (exit 125 without one); JAVA_HOME exported
#     ergometer_bench_build "$work"        # ./erg and target/benchmarks.jar built; the log in $work/build.log

# shellcheck source=../ergometer-cli/src/dist/bin/find-jdk
. "$root/ergometer-cli/src/dist/bin/find-jdk"

ergometer_bench_java() {
  java=$(ergometer_find_java) || exit 125
  JAVA_HOME=$(dirname "$(dirname "$(readlink -f "$java")")")
  export JAVA_HOME
}

# $1: a folder for the build's log. Leaves the working folder at the repository's root.
ergometer_bench_build() {
  cd "$root"
  echo "== building (./erg and the benchmarks jar)"
  ./erg --version >/dev/null
  (./mvnw -q -B -pl ergometer-benchmarks -am package -DskipTests) >"$1/build.log" 2>&1 \
    || { tail -n 40 "$1/build.log" >&2; exit 1; }
}
