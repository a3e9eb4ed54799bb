#!/usr/bin/env bash
# The test command: install what the tests need (venv, torch, project, offline model), then pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
DOCBOT_SKIP_INDEX=1 bash scripts/setup.sh
.venv/bin/docbot install-model
.venv/bin/ruff check index bot scripts tests
exec .venv/bin/python -m pytest -q -ra "$@"
