#!/usr/bin/env bash
# Build step for the web dashboard's front end: fetch pinned npm packages into a temporary folder and copy
# the files the page needs into src/basewatch/web/static/vendor/ (committed, so `pip install` works offline;
# nothing is fetched at run time). Re-run after changing a version below; needs node, npm, python3, unzip.
set -euo pipefail
cd "$(dirname "$0")/.."
MAPLIBRE=6.17.0          # maplibre-gl (BSD-3-Clause): the map
FALLBACK_SMP=1.0.0       # @comapeo/fallback-smp (MIT; Natural Earth data, public domain): land, lakes, rivers, borders
OUT=src/basewatch/web/static/vendor
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
(cd "$TMP" && npm init -y >/dev/null && npm install --no-audit --no-fund --ignore-scripts --omit=dev \
  "maplibre-gl@$MAPLIBRE" "@comapeo/fallback-smp@$FALLBACK_SMP" >/dev/null)
rm -rf "$OUT" && mkdir -p "$OUT/maplibre-gl" "$OUT/basemap"
M="$TMP/node_modules/maplibre-gl"
cp "$M/dist/maplibre-gl.mjs" "$M/dist/maplibre-gl-worker.mjs" "$M/dist/maplibre-gl.css" "$OUT/maplibre-gl/"
cp "$M/LICENSE.txt" "$OUT/maplibre-gl/LICENSE.txt"
# the production bundles name their source maps; none are shipped, so drop the reference
sed -i '/^\/\/# sourceMappingURL=/d' "$OUT"/maplibre-gl/*.mjs
S="$TMP/node_modules/@comapeo/fallback-smp"
unzip -q -o "$S/dist/comapeo-fallback-map.smp" style.json -d "$TMP/smp"
# The package's style inlines its GeoJSON; split it into one file per source the page loads from 'self'.
python3 - "$TMP/smp/style.json" "$OUT/basemap" <<'PY'
import json, sys
from pathlib import Path
style = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
out = Path(sys.argv[2])
keep = ("land", "lakes", "rivers", "boundaries")
def write(name, data):
    (out / f"{name}.json").write_text(json.dumps(data, separators=(",", ":")), encoding="utf-8")
for name in keep:
    write(name, style["sources"][name]["data"])
# Rivers Natural Earth shows only from zoom 4.7 on go in a second file, which the page loads after its first
# idle: the world view does not need them and parsing them delays the first frame.
rivers = style["sources"]["rivers"]["data"]
major = [f for f in rivers["features"] if f["properties"].get("min_zoom", 0) <= 4]
minor = [f for f in rivers["features"] if f["properties"].get("min_zoom", 0) > 4]
write("rivers", {**rivers, "features": major})
write("rivers-detail", {**rivers, "features": minor})
layers = [layer for layer in style["layers"] if layer.get("source") in (None, *keep)]
(out / "layers.json").write_text(json.dumps(layers, separators=(",", ":")), encoding="utf-8")
PY
# the world view's land and lakes, simplified (the full files are loaded once the map is zoomed to 4.5)
python3 scripts/simplify_basemap.py "$OUT/basemap/land.json" "$OUT/basemap/land-low.json" 0.08
python3 scripts/simplify_basemap.py "$OUT/basemap/lakes.json" "$OUT/basemap/lakes-low.json" 0.08
cat > "$OUT/basemap/LICENSE.md" <<TXT
# Basemap

From the npm package @comapeo/fallback-smp $FALLBACK_SMP (MIT licence, (c) Gregor MacLennan / Digital
Democracy; https://github.com/digidem/comapeo-fallback-smp): its style's land, lakes, rivers and country
boundary sources, split into one GeoJSON file each (the rivers Natural Earth shows from zoom 4.7 on in
rivers-detail.json; land-low.json and lakes-low.json are land.json and lakes.json simplified by
scripts/simplify_basemap.py for the world view), and its layers (layers.json). The geometries are Natural
Earth (https://www.naturalearthdata.com), in the public domain. Copied by scripts/vendor_web.sh.

The package declares the MIT licence (package.json: "license": "MIT", author Gregor MacLennan) and ships no
licence file; its terms:

Permission is hereby granted, free of charge, to any person obtaining a copy of this software and associated
documentation files (the "Software"), to deal in the Software without restriction, including without
limitation the rights to use, copy, modify, merge, publish, distribute, sublicense, and/or sell copies of the
Software, and to permit persons to whom the Software is furnished to do so, subject to the following
conditions:

The above copyright notice and this permission notice shall be included in all copies or substantial
portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING BUT NOT LIMITED
TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL
THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF
CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER
DEALINGS IN THE SOFTWARE.
TXT
cat > "$OUT/VERSIONS.txt" <<TXT
maplibre-gl $MAPLIBRE (BSD-3-Clause, maplibre-gl/LICENSE.txt)
@comapeo/fallback-smp $FALLBACK_SMP (MIT; data Natural Earth, public domain; basemap/LICENSE.md)
TXT
du -sh "$OUT"
