#!/usr/bin/env bash
# The whole test suite: the quality gates (scripts/lint.sh: ruff, clang-format, stubs), C++ unit
# tests (plain, then under AddressSanitizer + UBSan, then under ThreadSanitizer) with ctest, the
# libFuzzer targets for a bounded time on their seed corpora (scripts/fuzz.sh; MEKONG_FUZZ_SECONDS
# per target, default 20), scikit-learn's own text-vectorizer tests against mekong.sklearn, the
# portable wheel (built, installed in a fresh venv, imported with the system's ICU hidden), then the
# Python tests (pytest, including the notebook and the README examples). Sets itself up first.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$ROOT"
bash scripts/setup.sh --test
VENV="${MEKONG_VENV:-$ROOT/.venv}"
"$VENV/bin/python" -m pip install -q cmake ninja 2>&1 | grep -v "^WARNING: Location" >&2 || true
export PATH="$VENV/bin:$PATH"
JOBS="$(nproc 2>/dev/null || echo 2)"

echo "== Quality gates: ruff, clang-format, _core.pyi stubs, py.typed"
bash scripts/lint.sh

for variant in release sanitize thread; do
  dir="build/cpp-$variant"
  flags=(-DMEKONG_BUILD_TESTS=ON -DCMAKE_BUILD_TYPE=Release)
  [ "$variant" = sanitize ] && flags=(-DMEKONG_BUILD_TESTS=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMEKONG_SANITIZE=ON)
  [ "$variant" = thread ] && flags=(-DMEKONG_BUILD_TESTS=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMEKONG_SANITIZE=thread)
  echo "== C++ tests ($variant)"
  cmake -S . -B "$dir" -G Ninja "${flags[@]}" >/dev/null
  # The build log is kept; a failed build shows its end (ninja writes compiler errors to stdout).
  cmake --build "$dir" -j "$JOBS" >"$dir/build.log" 2>&1 || { tail -n 40 "$dir/build.log"; echo "C++ build ($variant) failed" >&2; exit 1; }
  ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
    TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 suppressions=$ROOT/cpp/tests/tsan.supp" \
    ctest --test-dir "$dir" --output-on-failure -j "$JOBS" | tail -n 3
done

echo "== C++ fuzzers"
bash scripts/fuzz.sh "${MEKONG_FUZZ_SECONDS:-20}"

echo "== scikit-learn's own text-vectorizer tests against mekong.sklearn"
"$VENV/bin/python" scripts/sklearn_tests.py

echo "== portable wheel: ICU bundled by auditwheel, run in a fresh venv with ICU's .so files hidden"
# Reuses the objects of the build above (only the extension is linked again), so it costs the link,
# auditwheel and a fresh venv: see scripts/build_wheel.sh and scripts/check_wheel.sh.
wheel="$(bash scripts/build_wheel.sh "$ROOT/build/wheelhouse")"
bash scripts/check_wheel.sh "$wheel"

echo "== Python tests"
exec "$VENV/bin/python" -m pytest -q "$@"
