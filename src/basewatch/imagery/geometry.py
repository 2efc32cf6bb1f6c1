"""Labels and regions onto the before picture's pixel grid (map and lon/lat through its georeference)."""

from __future__ import annotations

from basewatch.errors import BasewatchError
from basewatch.imagery.compare import Region
from basewatch.imagery.labels import Label, Ring
from basewatch.imagery.objects import PixelBox
from basewatch.imagery.raster import Georef, lonlat_to_map


def ring_to_pixel(ring: Ring, space: str, georef: Georef | None) -> Ring:
    if space == "pixel":
        return ring
    if georef is None:
        raise BasewatchError("labels or regions in map coordinates need a georeferenced picture (GeoTIFF)")
    pts = list(ring)
    if space == "lonlat":
        pts = lonlat_to_map(pts, georef.crs)
    return tuple(georef.to_pixel(x, y) for x, y in pts)


def label_to_pixel(label: Label, georef: Georef | None) -> Label:
    rings = tuple(ring_to_pixel(r, label.space, georef) for r in label.rings)
    return Label(label.label, rings, "pixel", label.source_row)


def boxes_of(labels: list[Label], georef: Georef | None) -> list[PixelBox]:
    out = []
    for lab in labels:
        x0, y0, x1, y1 = label_to_pixel(lab, georef).bbox()
        out.append(PixelBox(f"row{lab.source_row}", x0, y0, x1, y1, lab.label))
    return out


def regions_of(labels: list[Label], georef: Georef | None) -> list[Region]:
    return [Region(lab.label if lab.label != "object" else f"region {lab.source_row}",
                   label_to_pixel(lab, georef).rings) for lab in labels]
