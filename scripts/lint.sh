#!/usr/bin/env bash
# The quality gates, run by test.sh (and so by CI) in a few seconds: ruff's lint and format check
# (rules in pyproject.toml), clang-format on cpp/ with the repository's .clang-format, the committed
# python/mekong/_core.pyi against stubs generated from the built module (pybind11-stubgen), and
# py.typed. The tools are pinned in pyproject's "lint" extra and installed into the venv here.
#   usage: scripts/lint.sh            check (exit 1 on any finding)
#          scripts/lint.sh --fix      apply ruff's fixes and formats, clang-format, and rewrite the stubs
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${MEKONG_VENV:-$ROOT/.venv}"
PY="$VENV/bin/python"
cd "$ROOT"
FIX=0
[ "${1:-}" = "--fix" ] && FIX=1
fail=0
say() { printf '[lint] %s\n' "$*" >&2; }

# The pinned tools, read from pyproject.toml's lint extra.
mapfile -t tools < <("$PY" - <<'PY'
import re
text = open("pyproject.toml", encoding="utf-8").read()
line = re.search(r'^lint = \[(.*)\]', text, re.M).group(1)
print("\n".join(re.findall(r'"([^"]+)"', line)))
PY
)
"$PY" -m pip install -q "${tools[@]}" 2>&1 | grep -v "^WARNING: Location" >&2 || true

if [ $FIX = 1 ]; then
  "$VENV/bin/ruff" check --fix -q . || true
  "$VENV/bin/ruff" format -q .
else
  "$VENV/bin/ruff" check -q . || { say "ruff check found the problems above"; fail=1; }
  "$VENV/bin/ruff" format --check -q . || { say "ruff format would change the files above (scripts/lint.sh --fix)"; fail=1; }
fi

mapfile -t cxx < <(git ls-files -co --exclude-standard 'cpp/*.cpp' 'cpp/*.hpp')
if [ $FIX = 1 ]; then
  "$VENV/bin/clang-format" -i "${cxx[@]}"
else
  "$VENV/bin/clang-format" --dry-run --Werror "${cxx[@]}" || { say "clang-format would change the lines above"; fail=1; }
fi

# Stubs: generated from the installed module, compared with the committed file.
stubs="$(mktemp -d)"
trap 'rm -rf "$stubs"' EXIT
"$VENV/bin/pybind11-stubgen" mekong._core -o "$stubs" --numpy-array-remove-parameters >/dev/null 2>"$stubs/log" ||
  { cat "$stubs/log" >&2; say "pybind11-stubgen failed"; exit 1; }
"$VENV/bin/ruff" format -q "$stubs/mekong/_core.pyi"
if [ $FIX = 1 ]; then
  cp "$stubs/mekong/_core.pyi" python/mekong/_core.pyi
elif ! diff -u python/mekong/_core.pyi "$stubs/mekong/_core.pyi" >&2; then
  say "python/mekong/_core.pyi differs from the built module (scripts/lint.sh --fix rewrites it)"
  fail=1
fi
[ -f python/mekong/py.typed ] || { say "python/mekong/py.typed is missing"; fail=1; }

[ $fail = 0 ] && say "ruff, clang-format, stubs, py.typed: clean"
exit $fail
