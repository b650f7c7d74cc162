#!/usr/bin/env bash
# Installs a wheel into a fresh virtual environment and proves it needs no system ICU:
#   1. `ldd` of the extension resolves every libicu it needs to a copy inside the installed wheel
#      (mekong_text.libs/), none to the system's;
#   2. `import mekong` and a small vectorization run with every libicu*.so file of the machine
#      hidden: in a private mount namespace (unshare -m, root), each is covered by /dev/null, so a
#      load of any of them fails. The namespace ends with the process; the machine is never touched.
#      In both cases the run reads the shared objects mapped into the process (/proc/self/maps)
#      and fails if a libicu comes from anywhere but the wheel.
#   usage: scripts/check_wheel.sh WHEEL
set -euo pipefail
WHEEL="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
say() { printf '[check-wheel] %s\n' "$*" >&2; }
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
python3 -m venv "$TMP/venv"
"$TMP/venv/bin/python" -m pip install -q "$WHEEL" 2>&1 | grep -v "^WARNING: Location" >&2 || true
so="$(ls "$TMP"/venv/lib/python*/site-packages/mekong/_core*.so)"
site="$(dirname "$(dirname "$so")")"
icu="$(ldd "$so" | grep -i 'libicu' || true)"
if printf '%s\n' "$icu" | grep -v "=> $site/" | grep -qi libicu; then
  printf '%s\n' "$icu" >&2
  say "the extension loads an ICU from outside the wheel"
  exit 1
fi
say "ldd: ICU comes from the wheel: $(printf '%s\n' "$icu" | awk '{print $1}' | tr '\n' ' ')"

cat >"$TMP/smoke.py" <<'PY'
import sys
import mekong

X = mekong.CountVectorizer().fit_transform(["Hợp tác với Attapư", "Tỉnh uỷ và Tỉnh ủy", "ພາສາລາວ ສະບາຍດີ"])
assert X.shape[0] == 3 and X.sum() > 0, X
assert mekong.tokenize("Tỉnh uỷ Kon Tum") == ["tỉnh_ủy", "kon_tum"], mekong.tokenize("Tỉnh uỷ Kon Tum")
maps = open("/proc/self/maps").read()
icu = sorted({line.split()[-1] for line in maps.splitlines() if "libicu" in line})
outside = [p for p in icu if "mekong_text.libs" not in p]
assert icu and not outside, f"ICU libraries loaded from outside the wheel: {outside or icu}"
print("ok:", X.shape, "from", mekong.__file__)
PY
cd "$TMP"  # never import the checkout's python/ by accident
hide=""
for f in /usr/lib/*/libicu*.so* /usr/lib/libicu*.so* /lib/*/libicu*.so* /usr/local/lib/libicu*.so*; do
  [ -f "$f" ] && [ ! -L "$f" ] && hide="$hide mount --bind /dev/null '$f' &&"
done
if [ -n "$hide" ] && unshare -m --propagation private true 2>/dev/null; then
  say "running with the system's libicu*.so files hidden (private mount namespace)"
  unshare -m --propagation private sh -c "$hide '$TMP/venv/bin/python' '$TMP/smoke.py'"
else
  say "unshare is not permitted here: checking the process's mapped libraries instead"
  "$TMP/venv/bin/python" "$TMP/smoke.py"
fi
