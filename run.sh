#!/usr/bin/env bash
# The main job: analyses the bundled sample articles (or the folders / files given) and writes the
# results to ./mekong-output. Sets itself up on first run (see scripts/setup.sh).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
bash "$ROOT/scripts/setup.sh"
exec "${MEKONG_VENV:-$ROOT/.venv}/bin/python" -m mekong "$@"
