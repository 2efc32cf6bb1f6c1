#!/bin/sh
# The `traffic` library (pandas < 3) in its own venv, for the flights benchmark's comparison.
# Usage: sh benchmarks/setup_traffic.sh   (creates benchmarks/.cache/traffic-venv; needs PyPI)
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
VENV="$HERE/.cache/traffic-venv"
mkdir -p "$HERE/.cache"
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
"$VENV/bin/pip" install --quiet --disable-pip-version-check "traffic==2.13" "pandas<3" "pyarrow" "airportsdata"
"$VENV/bin/python" -c "import traffic, pandas; print('traffic', traffic.__version__, 'pandas', pandas.__version__)"
