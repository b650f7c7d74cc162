#!/usr/bin/env bash
# The whole test suite: C++ unit tests (plain, then under AddressSanitizer + UBSan) with ctest, then
# the Python tests (pytest, including the notebook and the README examples). Sets itself up first.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$ROOT"
bash scripts/setup.sh --test
VENV="${MEKONG_VENV:-$ROOT/.venv}"
"$VENV/bin/python" -m pip install -q cmake ninja 2>&1 | grep -v "^WARNING: Location" >&2 || true
export PATH="$VENV/bin:$PATH"
JOBS="$(nproc 2>/dev/null || echo 2)"

for variant in release sanitize; do
  dir="build/cpp-$variant"
  flags=(-DMEKONG_BUILD_TESTS=ON -DCMAKE_BUILD_TYPE=Release)
  [ "$variant" = sanitize ] && flags=(-DMEKONG_BUILD_TESTS=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMEKONG_SANITIZE=ON)
  echo "== C++ tests ($variant)"
  cmake -S . -B "$dir" -G Ninja "${flags[@]}" >/dev/null
  cmake --build "$dir" -j "$JOBS" >/dev/null
  ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 ctest --test-dir "$dir" --output-on-failure -j "$JOBS" | tail -n 3
done

echo "== scikit-learn's own text-vectorizer tests against mekong.sklearn"
"$VENV/bin/python" scripts/sklearn_tests.py

echo "== Python tests"
exec "$VENV/bin/python" -m pytest -q "$@"
