#!/usr/bin/env bash
# The main job: set everything up, then run the Telegram bot when a token is configured,
# otherwise the console chat.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
if [ -f .env ]; then set -a; . ./.env; set +a; fi
if [ -n "${TELEGRAM_BOT_TOKEN:-}" ]; then
  exec .venv/bin/docbot serve
fi
exec .venv/bin/docbot chat
