"""Label readers: the Airbus CSV (facts read by hand), GeoJSON, STAC label items; bad input named."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from basewatch.errors import InputFormatError
from basewatch.imagery.labels import label_counts, read_labels
from tests.conftest import shared_file


def test_airbus_csv_rows_of_one_image() -> None:
    path = shared_file("imagery/airbus_airport/annotations.csv")
    labels = read_labels(path, image_name="date_a.jpg")
    assert label_counts(labels) == {"Airplane": 30}
    first = labels[0]
    assert first.source_row == 2 and first.space == "pixel"
    assert first.bbox() == (534.0, 5.0, 634.0, 76.0)  # line 2 of the file, read by hand
    assert len(read_labels(path, image_name="date_b.jpg")) == 23


def test_csv_bad_geometry_names_the_line(tmp_path: Path) -> None:
    p = tmp_path / "l.csv"
    p.write_text('image,geometry,class\na.jpg,"[(1, 2), (3, 4), (5, 6)]",car\na.jpg,"[(1, 2), oops]",car\n')
    with pytest.raises(InputFormatError, match=r"l\.csv:3: geometry"):
        read_labels(p, image_name="a.jpg")


def test_geojson_pixel_and_lonlat(tmp_path: Path) -> None:
    fc = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"class": "apron"},
         "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [10, 0], [10, 5], [0, 5], [0, 0]]]}}]}
    p = tmp_path / "r.geojson"
    p.write_text(json.dumps(fc))
    (lab,) = read_labels(p, georeferenced=False)
    assert (lab.label, lab.space, lab.bbox()) == ("apron", "pixel", (0.0, 0.0, 10.0, 5.0))
    assert read_labels(p, georeferenced=True)[0].space == "lonlat"  # RFC 7946 default
    fc["crs"] = {"type": "name", "properties": {"name": "EPSG:32618"}}
    p.write_text(json.dumps(fc))
    assert read_labels(p, georeferenced=True)[0].space == "map"


def test_stac_label_item_reads_its_labels_asset(tmp_path: Path) -> None:
    fc = {"type": "FeatureCollection", "basewatch:coordinates": "pixel", "features": [
        {"type": "Feature", "properties": {"class": "aircraft"},
         "geometry": {"type": "Polygon", "coordinates": [[[1, 1], [4, 1], [4, 3], [1, 1]]]}}] * 2}
    (tmp_path / "labels.geojson").write_text(json.dumps(fc))
    item = {"type": "Feature", "stac_version": "1.1.0", "id": "x", "geometry": None, "properties": {},
            "assets": {"labels": {"href": "labels.geojson", "roles": ["labels"]}}, "links": []}
    (tmp_path / "item.json").write_text(json.dumps(item))
    assert label_counts(read_labels(tmp_path / "item.json", georeferenced=True)) == {"aircraft": 2}


def test_geojson_point_is_refused(tmp_path: Path) -> None:
    p = tmp_path / "r.geojson"
    p.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {}, "geometry": {"type": "Point", "coordinates": [0, 0]}}]}))
    with pytest.raises(InputFormatError, match="feature 1: geometry must be a Polygon"):
        read_labels(p)
