#!/usr/bin/env bash
# The whole quality gate: install what is missing, lint, type-check, run every test tier.
# Set COACH_SKIP_REAL_LLM=1 to skip the real-model tier (it needs a one-time ~7 min build).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
# Chromium for the browser tests, espeak-ng to speak the speech tests' answers.
missing=""
for pair in chromium:chromium chromedriver:chromium-driver espeak-ng:espeak-ng; do
  command -v "${pair%%:*}" >/dev/null || missing="$missing ${pair##*:}"
done
if [ -n "$missing" ]; then
  echo "installing$missing for the browser and speech tests"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
fi
echo "preparing the speech model (cached after the first run)"
.venv/bin/python -c "from coach.speech.transcribers import get_transcriber; get_transcriber().prepare()"
if [ "${COACH_SKIP_REAL_LLM:-0}" != "1" ]; then
  echo "preparing the local model (cached after the first run)"
  .venv/bin/python scripts/local_llm.py install >/dev/null
  .venv/bin/python scripts/local_llm.py fetch --model 1.5b >/dev/null
fi
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy coach
.venv/bin/python -m pytest -q
