"""Reading pictures: GeoTIFF (rasterio, georeference kept) and JPEG/PNG (Pillow, no georeference)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from basewatch.errors import InputFormatError

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

GEOTIFF_SUFFIXES = (".tif", ".tiff")
PLAIN_SUFFIXES = (".jpg", ".jpeg", ".png")


@dataclass(frozen=True)
class Georef:
    """Where the pixels are: an affine transform (rasterio/GDAL order a, b, c, d, e, f) and a CRS.

    map x = a * col + b * row + c; map y = d * col + e * row + f (col, row of the pixel's corner).
    """

    transform: tuple[float, float, float, float, float, float]
    crs: str  # e.g. "EPSG:32618" (or WKT when the file has no EPSG code)

    def to_map(self, col: float, row: float) -> tuple[float, float]:
        a, b, c, d, e, f = self.transform
        return a * col + b * row + c, d * col + e * row + f

    def to_pixel(self, x: float, y: float) -> tuple[float, float]:
        a, b, c, d, e, f = self.transform
        det = a * e - b * d
        if det == 0:
            raise ValueError("degenerate geotransform")
        dx, dy = x - c, y - f
        return (e * dx - b * dy) / det, (a * dy - d * dx) / det

    @property
    def resolution_m(self) -> float:
        a, b, _, d, e, _ = self.transform
        return float(((a * a + d * d) ** 0.5 + (b * b + e * e) ** 0.5) / 2)


@dataclass(frozen=True)
class Raster:
    """A picture in memory: bands as (rows, cols, bands), its georeference if any, and its file's hash."""

    path: Path
    pixels: npt.NDArray[np.generic]
    georef: Georef | None
    sha256: str
    band_names: tuple[str, ...] = ()

    @property
    def height(self) -> int:
        return int(self.pixels.shape[0])

    @property
    def width(self) -> int:
        return int(self.pixels.shape[1])


@dataclass(frozen=True)
class RasterInfo:
    """What `imagery add` keeps of a picture without reading all its pixels."""

    path: Path
    width: int
    height: int
    bands: int
    georef: Georef | None
    sha256: str
    media_type: str


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _kind(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in GEOTIFF_SUFFIXES:
        return "geotiff"
    if suffix in PLAIN_SUFFIXES:
        return "plain"
    raise InputFormatError(path, f"not a picture basewatch reads (suffix {suffix or 'none'}; want .tif, .jpg, .png)")


def _crs_text(crs: object) -> str:
    epsg = getattr(crs, "to_epsg", lambda: None)()
    return f"EPSG:{epsg}" if epsg else str(getattr(crs, "to_wkt", lambda: crs)())


def raster_info(path: Path) -> RasterInfo:
    """Size, bands, georeference and hash, reading only the header."""
    if not path.is_file():
        raise InputFormatError(path, "no such file")
    kind = _kind(path)
    if kind == "geotiff":
        import rasterio
        from rasterio.errors import RasterioIOError

        try:
            with rasterio.open(path) as src:
                georef = _georef(src)
                return RasterInfo(path, src.width, src.height, src.count, georef, file_sha256(path),
                                  "image/tiff; application=geotiff")
        except RasterioIOError as exc:
            raise InputFormatError(path, f"not a readable GeoTIFF: {exc}") from exc
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as im:
            bands = len(im.getbands())
            media = "image/png" if im.format == "PNG" else "image/jpeg"
            return RasterInfo(path, im.width, im.height, bands, None, file_sha256(path), media)
    except (UnidentifiedImageError, OSError) as exc:
        raise InputFormatError(path, f"not a readable picture: {exc}") from exc


def _georef(src: object) -> Georef | None:
    crs = getattr(src, "crs", None)
    t = getattr(src, "transform", None)
    if crs is None or t is None:
        return None
    return Georef((float(t.a), float(t.b), float(t.c), float(t.d), float(t.e), float(t.f)), _crs_text(crs))


def read_raster(path: Path) -> Raster:
    """All pixels as (rows, cols, bands); GeoTIFFs keep their transform and CRS."""
    import numpy as np

    if not path.is_file():
        raise InputFormatError(path, "no such file")
    if _kind(path) == "geotiff":
        import rasterio
        from rasterio.errors import RasterioIOError

        try:
            with rasterio.open(path) as src:
                data = src.read()  # (bands, rows, cols)
                names = tuple(d or f"band {i + 1}" for i, d in enumerate(src.descriptions))
                georef = _georef(src)
        except RasterioIOError as exc:
            raise InputFormatError(path, f"not a readable GeoTIFF: {exc}") from exc
        pixels = np.ascontiguousarray(np.moveaxis(data, 0, -1))
        return Raster(path, pixels, georef, file_sha256(path), names)
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as im:
            im.load()
            mode = "L" if im.mode in ("L", "I;16", "I", "F", "1") else "RGB"
            arr = np.asarray(im.convert(mode))
    except (UnidentifiedImageError, OSError) as exc:
        raise InputFormatError(path, f"not a readable picture: {exc}") from exc
    if arr.ndim == 2:
        arr = arr[:, :, None]
    names = ("gray",) if arr.shape[2] == 1 else ("red", "green", "blue")
    return Raster(path, arr, None, file_sha256(path), names)


def to_gray(raster: Raster) -> npt.NDArray[np.float32]:
    """One float32 band for the algorithms: luma of RGB (first three bands), else the first band.

    Multispectral files name their bands; when they are Blue/Green/Red (Sentinel-2 order) the visible
    bands are reordered before the luma weights are applied.
    """
    import numpy as np

    px = raster.pixels.astype(np.float32)
    if px.shape[2] < 3:
        return np.ascontiguousarray(px[:, :, 0])
    order = [0, 1, 2]
    lowered = [n.lower() for n in raster.band_names]
    if len(lowered) >= 3 and lowered[0].startswith("blue") and lowered[2].startswith("red"):
        order = [2, 1, 0]
    r, g, b = (px[:, :, i] for i in order)
    gray = 0.299 * r + 0.587 * g + 0.114 * b
    return np.ascontiguousarray(np.nan_to_num(gray, nan=0.0), dtype=np.float32)


def lonlat_to_map(points: list[tuple[float, float]], crs: str) -> list[tuple[float, float]]:
    """Longitude/latitude (WGS 84) to the picture's CRS (rasterio's PROJ)."""
    from rasterio.warp import transform

    xs, ys = transform("EPSG:4326", crs, [p[0] for p in points], [p[1] for p in points])
    return list(zip((float(x) for x in xs), (float(y) for y in ys), strict=True))


def map_to_lonlat(points: list[tuple[float, float]], crs: str) -> list[tuple[float, float]]:
    from rasterio.warp import transform

    xs, ys = transform(crs, "EPSG:4326", [p[0] for p in points], [p[1] for p in points])
    return list(zip((float(x) for x in xs), (float(y) for y in ys), strict=True))
