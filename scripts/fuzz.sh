#!/usr/bin/env bash
# Builds the libFuzzer targets (cpp/fuzz/fuzz_*.cpp) with clang under ASan + UBSan and runs each for
# a bounded time on its committed seed corpus (cpp/fuzz/corpus/<target>/). Installs clang and
# libFuzzer with apt-get when run as root on Debian/Ubuntu (else prints the command).
#
#   usage: scripts/fuzz.sh [SECONDS] [TARGET...]     (default: 20 seconds each, every target)
#   longer, one target:  scripts/fuzz.sh 3600 count
#   a number of inputs:  FUZZ_FLAGS="-runs=10000000" scripts/fuzz.sh 0 decode
#   the seeds only:      scripts/fuzz.sh 0
#   reproduce a crash:   build/fuzz/fuzz_<target> build/fuzz/artifacts/<target>-crash-...
#
# Inputs the fuzzer finds interesting go to build/fuzz/corpus/<target>/ (not the repository);
# crashes, timeouts and sanitizer reports to build/fuzz/artifacts/. Exits non-zero when any
# target fails. Each target runs as one process (the machine's cores are left to others).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
SECONDS_EACH="${1:-20}"
[ $# -gt 0 ] && shift
say() { printf '[fuzz] %s\n' "$*" >&2; }

# 1. Tools: clang with its sanitizer and libFuzzer runtimes, cmake, ninja, ICU, Eigen.
links_fuzzer() {
  command -v clang++ >/dev/null 2>&1 || return 1
  local tmp
  tmp="$(mktemp -d)"
  printf 'extern "C" int LLVMFuzzerTestOneInput(const unsigned char*, unsigned long) { return 0; }\n' > "$tmp/t.cpp"
  clang++ -fsanitize=fuzzer,address,undefined "$tmp/t.cpp" -o "$tmp/t" >/dev/null 2>&1
  local rc=$?
  rm -rf "$tmp"
  return $rc
}
install_packages() {
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    say "installing: $*"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq "$@" >/dev/null
  else
    say "missing: $*; install them with:  sudo apt-get install -y $*"
    exit 1
  fi
}
need=()
if command -v dpkg-query >/dev/null 2>&1; then
  for pkg in clang libicu-dev libeigen3-dev; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || need+=("$pkg")
  done
fi
[ ${#need[@]} -gt 0 ] && install_packages "${need[@]}"
if ! links_fuzzer; then
  # Debian >= 12 ships libFuzzer and the sanitizer runtimes in libclang-rt-N-dev (N = clang's major
  # version); older releases in libclang-common-N-dev.
  major="$(clang++ --version | sed -n 's/.*clang version \([0-9]*\).*/\1/p' | head -n1)"
  if apt-cache show "libclang-rt-$major-dev" >/dev/null 2>&1; then
    install_packages "libclang-rt-$major-dev"
  else
    install_packages "libclang-common-$major-dev"
  fi
  links_fuzzer || { say "clang++ cannot link -fsanitize=fuzzer"; exit 1; }
fi
VENV="${MEKONG_VENV:-$ROOT/.venv}"
[ -x "$VENV/bin/cmake" ] && export PATH="$VENV/bin:$PATH"
command -v cmake >/dev/null 2>&1 && command -v ninja >/dev/null 2>&1 || install_packages cmake ninja-build

# 2. Build.
BUILD="$ROOT/build/fuzz"
say "building the fuzz targets in $BUILD"
CC=clang CXX=clang++ cmake -S . -B "$BUILD" -G Ninja -DMEKONG_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$BUILD" -j "$(nproc 2>/dev/null || echo 2)" >/dev/null

# 3. Run.
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for src in cpp/fuzz/fuzz_*.cpp; do
    name="$(basename "$src" .cpp)"
    targets+=("${name#fuzz_}")
  done
fi
mkdir -p "$BUILD/artifacts"
failed=()
for t in "${targets[@]}"; do
  bin="$BUILD/fuzz_$t"
  [ -x "$bin" ] || { say "no target '$t'"; exit 2; }
  work="$BUILD/corpus/$t"
  mkdir -p "$work"
  flags=(-max_total_time="$SECONDS_EACH" -timeout="${FUZZ_TIMEOUT:-20}" -max_len="${FUZZ_MAX_LEN:-4096}"
         -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$BUILD/artifacts/$t-")
  case "$t" in
    clean) flags+=(-dict=cpp/fuzz/clean.dict) ;;
    normalize | segment | names | count | words) flags+=(-dict=cpp/fuzz/text.dict) ;;
  esac
  # shellcheck disable=SC2206
  extra=(${FUZZ_FLAGS:-})
  # 0 seconds means no time limit to libFuzzer: bounded by FUZZ_FLAGS' -runs, else the seeds only.
  [ "$SECONDS_EACH" = 0 ] && [[ "${FUZZ_FLAGS:-}" != *-runs=* ]] && extra+=(-runs=0)
  log="$BUILD/artifacts/$t.log"
  if UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 "$bin" "${flags[@]}" "${extra[@]}" "$work" "cpp/fuzz/corpus/$t" >"$log" 2>&1; then
    runs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n1)"
    echo "fuzz_$t: ok, ${runs:-?} inputs"
  else
    echo "fuzz_$t: FAILED (log: $log)"
    grep -E "ERROR|check failed|runtime error|Test unit written" "$log" | head -n 8 || true
    failed+=("$t")
  fi
done
if [ ${#failed[@]} -gt 0 ]; then
  say "failed: ${failed[*]}; reproduce with build/fuzz/fuzz_<target> <the input written above>"
  exit 1
fi
