#!/usr/bin/env bash
# The whole quality gate: install what is missing, lint, type-check, run every test tier.
# Set COACH_SKIP_REAL_LLM=1 to skip the real-model tier (it needs a one-time ~7 min build).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
  echo "installing chromium for the browser tests"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
fi
if [ "${COACH_SKIP_REAL_LLM:-0}" != "1" ]; then
  echo "preparing the local model (cached after the first run)"
  .venv/bin/python scripts/local_llm.py install >/dev/null
  .venv/bin/python scripts/local_llm.py fetch --model 1.5b >/dev/null
fi
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy coach
.venv/bin/python -m pytest -q
