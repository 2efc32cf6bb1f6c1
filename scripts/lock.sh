#!/usr/bin/env bash
# Regenerate constraints.txt: every package (direct and transitive) of the test install, pinned.
# Run after changing the dependencies in pyproject.toml; .ci/run and the README install use the file.
# It installs into a fresh virtualenv (.lock-venv), so the pins are what pip resolves from pyproject
# alone, not what happens to be in your own .venv.
set -euo pipefail
cd "$(dirname "$0")/.."
rm -rf .lock-venv
python3 -m venv .lock-venv
. .lock-venv/bin/activate
python -m pip install -q --upgrade pip
python -m pip install -q -e ".[test,spark]"
{
  echo "# Every package of basewatch's test install (with the spark extra), pinned. Regenerate with"
  echo "# scripts/lock.sh after changing pyproject.toml; used by .ci/run and the README's install command:"
  echo "#   pip install -c constraints.txt -e \".[test]\""
  python -m pip freeze --exclude-editable | grep -v -i '^basewatch' | LC_ALL=C sort -f
} > constraints.txt
deactivate
rm -rf .lock-venv
echo "wrote constraints.txt ($(grep -vc '^#' constraints.txt) packages)"
