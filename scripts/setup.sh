#!/usr/bin/env bash
# Sets up a fresh machine for mekong: system libraries (installed with apt-get when run as root on
# Debian/Ubuntu, otherwise the exact command is printed), a virtual environment in .venv, and the
# package built and installed into it. Sourced by run.sh and test.sh; safe to run again.
#   usage: scripts/setup.sh [--test]     (--test also installs the test dependencies)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${MEKONG_VENV:-$ROOT/.venv}"
EXTRAS=""
[ "${1:-}" = "--test" ] && EXTRAS="[test]"

say() { printf '[setup] %s\n' "$*" >&2; }

# 1. System packages: a C++17 compiler, ICU, Eigen, GoogleTest.
need=()
if command -v dpkg-query >/dev/null 2>&1; then
  for pkg in g++ libicu-dev libeigen3-dev libgtest-dev; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || need+=("$pkg")
  done
  if ! python3 -c "import venv, ensurepip" >/dev/null 2>&1; then need+=(python3-venv); fi
  if [ ${#need[@]} -gt 0 ]; then
    if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
      say "installing system packages: ${need[*]}"
      export DEBIAN_FRONTEND=noninteractive
      apt-get update -qq >/dev/null
      apt-get install -y -qq "${need[@]}" >/dev/null
    else
      say "missing system packages: ${need[*]}"
      say "install them with:  sudo apt-get install -y ${need[*]}"
      exit 1
    fi
  fi
else
  for h in /usr/include/unicode/normalizer2.h /usr/include/eigen3/Eigen/Core; do
    [ -e "$h" ] || { say "missing $h: install ICU (libicu-dev) and Eigen 3.4 (libeigen3-dev) with your package manager"; exit 1; }
  done
fi

# 2. A virtual environment.
PY="${PYTHON:-python3}"
if [ ! -x "$VENV/bin/python" ]; then
  say "creating virtual environment $VENV"
  "$PY" -m venv "$VENV"
  "$VENV/bin/python" -m pip install -q --upgrade pip >/dev/null
fi

# 3. Build and install the package (skipped when the sources have not changed since last time).
# The stamp holds the sources' hash, then "test" when the test dependencies came with that build:
# a build with them also serves ./run.sh, so running ./test.sh then ./run.sh builds once, not twice.
stamp="$VENV/.mekong-build-stamp"
sources_hash="$(cd "$ROOT" && find CMakeLists.txt pyproject.toml README.md cpp python -type f ! -path '*/__pycache__/*' -print0 | sort -z | xargs -0 sha1sum | sha1sum | cut -d' ' -f1)"
built="$(cat "$stamp" 2>/dev/null || true)"
if [ "$built" != "$sources_hash test" ] && { [ -n "$EXTRAS" ] || [ "$built" != "$sources_hash" ]; } ||
  ! "$VENV/bin/python" -c "import mekong" >/dev/null 2>&1; then
  say "building and installing mekong$EXTRAS (the first build takes a few minutes)"
  "$VENV/bin/python" -m pip install -q "$ROOT$EXTRAS" 2>&1 | grep -v "^WARNING: Location" >&2 || true
  "$VENV/bin/python" -c "import mekong" || { say "the build failed; see the output above"; exit 1; }
  echo "$sources_hash${EXTRAS:+ test}" > "$stamp"
fi
