"""A world map drawn on the server as SVG from map data shipped with the app.

The country shapes come from the npm package `world-atlas` (Natural Earth, 1:110m, TopoJSON),
installed with the other front-end assets; no tile server is needed. Countries are projected
equirectangularly into a 960 × 480 box; partner cities are placed by their coordinates."""

import json
from dataclasses import dataclass
from functools import lru_cache

import pycountry
from django.conf import settings

WIDTH, HEIGHT = 960, 480
ATLAS = "node_modules/world-atlas/countries-110m.json"


def project(longitude: float, latitude: float) -> tuple[float, float]:
    return round((longitude + 180) / 360 * WIDTH, 1), round((90 - latitude) / 180 * HEIGHT, 1)


@dataclass(frozen=True)
class Country:
    code: str  # ISO 3166-1 alpha-2 ("" when the shape has no ISO code, e.g. disputed areas)
    name: str
    path: str  # SVG path data


def _decode_arcs(topology):
    scale_x, scale_y = topology["transform"]["scale"]
    shift_x, shift_y = topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append(project(x * scale_x + shift_x, y * scale_y + shift_y))
        arcs.append(points)
    return arcs


def _ring(arcs, indexes):
    points = []
    for index in indexes:
        arc = arcs[index] if index >= 0 else list(reversed(arcs[~index]))
        points.extend(arc if not points else arc[1:])
    # A ring that runs along the antimeridian jumps across the whole map: start a new subpath
    # there instead of drawing a line from one edge to the other.
    commands = [f"M{points[0][0]},{points[0][1]}"] if points else []
    for (x0, _y0), (x, y) in zip(points, points[1:], strict=False):
        commands.append(f"{'M' if abs(x - x0) > WIDTH / 2 else 'L'}{x},{y}")
    return "".join(commands) + "Z"


def _alpha2(numeric: str) -> str:
    country = pycountry.countries.get(numeric=numeric.zfill(3)) if numeric else None
    return country.alpha_2 if country else ""


@lru_cache(maxsize=1)
def countries() -> tuple[Country, ...]:
    """Every country's shape (read once per process); empty when the assets are not installed."""
    path = settings.BASE_DIR / ATLAS
    if not path.exists():
        return ()
    topology = json.loads(path.read_text(encoding="utf-8"))
    arcs = _decode_arcs(topology)
    shapes = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        polygons = {"Polygon": [geometry.get("arcs", [])], "MultiPolygon": geometry.get("arcs", [])}.get(
            geometry.get("type"), []
        )
        data = "".join(_ring(arcs, ring) for polygon in polygons for ring in polygon)
        if data:
            shapes.append(Country(_alpha2(str(geometry.get("id", ""))), geometry["properties"]["name"], data))
    return tuple(shapes)


def map_context(relations=(), shaded=None) -> dict:
    """What `diplomacy/_world_map.html` draws: a marker per relation whose partner has
    coordinates, and the countries to shade (by default the partners' countries)."""
    markers = []
    for relation in relations:
        partner = relation.partner
        if partner.latitude is not None and partner.longitude is not None:
            x, y = project(float(partner.longitude), float(partner.latitude))
            markers.append({"x": x, "y": y, "relation": relation})
    if shaded is None:
        shaded = {relation.partner.country for relation in relations}
    return {
        "map_width": WIDTH,
        "map_height": HEIGHT,
        "countries": countries(),
        "highlighted_countries": set(shaded),
        "markers": markers,
    }
