"""GeoTIFFs: georeference kept (values read with rasterio by hand), regions in map coordinates."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np
import pytest
import rasterio

from basewatch.imagery.raster import raster_info, read_raster, to_gray
from basewatch.workspace.core import Workspace
from tests.conftest import shared_file


def test_landsat_rgb_georeference() -> None:
    info = raster_info(shared_file("imagery/geotiff/rasterio_RGB.byte.tif"))
    assert (info.width, info.height, info.bands) == (791, 718, 3)
    assert info.georef is not None and info.georef.crs == "EPSG:32618"
    a, _b, c, _d, e, f = info.georef.transform
    assert (a, c, e, f) == pytest.approx((300.04, 101985.0, -300.04, 2826915.0), abs=0.01)
    assert info.georef.resolution_m == pytest.approx(300.04, abs=0.01)


def test_sentinel2_bands_are_reordered_for_luma() -> None:
    r = read_raster(shared_file("imagery/geotiff/sentinel2_xrspatial_BGRN_epsg32719.tif"))
    assert r.georef is not None and r.georef.crs == "EPSG:32719" and r.georef.resolution_m == 10.0
    gray = to_gray(r)
    px = r.pixels.astype(np.float32)
    assert gray[5, 7] == pytest.approx(0.299 * px[5, 7, 2] + 0.587 * px[5, 7, 1] + 0.114 * px[5, 7, 0], rel=1e-5)


def test_change_inside_a_map_region(tmp_path: Path, workspace: Workspace) -> None:
    src = shared_file("imagery/geotiff/rasterio_RGB.byte.tif")
    with rasterio.open(src) as ds:
        data, profile, t = ds.read(), ds.profile, ds.transform
    after = data.copy()
    after[:, 300:340, 400:440] = 255  # a 40 x 40 px bright block: rows 300-339, columns 400-439
    out = tmp_path / "after.tif"
    with rasterio.open(out, "w", **profile) as dst:
        dst.write(after)

    def ring(c0: int, r0: int, c1: int, r1: int) -> list[list[float]]:
        pts = [t @ (c0, r0), t @ (c1, r0), t @ (c1, r1), t @ (c0, r1), t @ (c0, r0)]
        return [[float(x), float(y)] for x, y in pts]

    regions = {"type": "FeatureCollection", "crs": {"type": "name", "properties": {"name": "EPSG:32618"}},
               "features": [
                   {"type": "Feature", "properties": {"name": "apron"},
                    "geometry": {"type": "Polygon", "coordinates": [ring(380, 280, 480, 380)]}},
                   {"type": "Feature", "properties": {"name": "elsewhere"},
                    "geometry": {"type": "Polygon", "coordinates": [ring(100, 300, 200, 400)]}}]}
    rpath = tmp_path / "regions.geojson"
    rpath.write_text(json.dumps(regions))
    b = workspace.add_observation(src, site="khmeimim", acquired_at=dt.date(2024, 12, 1))
    a = workspace.add_observation(out, site="khmeimim", acquired_at=dt.date(2024, 12, 20))
    assert b.georeferenced and a.georeferenced
    cmp = workspace.compare_imagery(b.observation_id, a.observation_id, regions=rpath)
    stats = {r.name: r for r in cmp.result.regions}
    assert stats["apron"].area_px == pytest.approx(100 * 100, rel=0.03)
    # the block is 1,600 of the region's 10,000 px; its edge pixels may fall either way
    assert stats["apron"].changed_fraction == pytest.approx(0.16, abs=0.03)
    assert stats["elsewhere"].changed_px == 0
    assert cmp.result.registration.shift_px == pytest.approx((0.0, 0.0), abs=0.1)
    row = workspace.imagery_changes().to_pylist()[0]
    assert row["change_id"] == cmp.change_id and row["before_id"] == b.observation_id
    obs = workspace.imagery().to_pylist()
    assert {o["crs"] for o in obs} == {"EPSG:32618"}
    item = json.loads(obs[0]["item"])
    lon0, lat0, lon1, lat1 = item["bbox"]
    assert -81 < lon0 < lon1 < -76 and 23 < lat0 < lat1 < 26.5  # UTM 18N, northing 2.6-2.8 Mm
