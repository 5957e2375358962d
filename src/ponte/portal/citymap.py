"""The map of the city's funded projects, drawn on the server as SVG from the shapes of the city's
data set (`funding.Area`, loaded from `open-data.yaml` › `map`): no tile server and no script
needed, like the world map of `diplomacy.worldmap`.

A project is placed by what is known of its place (`Project.location`): its coordinates when it has
them (a marker per project), else its quartiere when the map has that quartiere's shape, else the
whole comune (one marker for the projects of the whole city). Each marker is a link with a text
alternative, and the list beside the map names the same projects by place.

When `PONTE_MAP_TILE_URL` is set, `ponte/citymap.js` turns the figure into an interactive map over
those tiles (Leaflet, shipped with the app); without it the SVG is all there is."""

import math
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.text import slugify
from django.utils.translation import gettext as _

from ponte.funding.models import Area, Project

WIDTH = 600
PADDING = 12
MAX_LISTED = 50  # projects named per place in the list beside the map


@dataclass
class Place:
    """A place of the list beside the map and its marker (a group of projects)."""

    key: str  # anchor of the list entry
    name: str
    projects: list = field(default_factory=list)
    x: float | None = None
    y: float | None = None
    latitude: float | None = None
    longitude: float | None = None

    @property
    def href(self) -> str:
        """A project's own marker leads to its page; a place's, to its entry in the list."""
        if self.key.startswith("luogo-progetto-"):
            return self.projects[0].get_public_url()
        return f"#{self.key}"

    @property
    def listed(self):
        return self.projects[:MAX_LISTED]

    @property
    def unlisted(self) -> int:
        return max(len(self.projects) - MAX_LISTED, 0)


class Projection:
    """Longitude/latitude to the SVG box: equirectangular, scaled by the cosine of the middle
    latitude so the city keeps its shape (it is a few kilometres wide)."""

    def __init__(self, points):
        longitudes = [p[0] for p in points]
        latitudes = [p[1] for p in points]
        self.west, self.east = min(longitudes), max(longitudes)
        self.south, self.north = min(latitudes), max(latitudes)
        self.aspect = math.cos(math.radians((self.south + self.north) / 2))
        span_x = max((self.east - self.west) * self.aspect, 0.01)
        span_y = max(self.north - self.south, 0.005)
        self.scale = (WIDTH - 2 * PADDING) / span_x
        self.height = round(span_y * self.scale + 2 * PADDING)
        self.west -= (span_x / self.aspect - (self.east - self.west)) / 2  # centre a narrow extent
        self.north += (span_y - (self.north - self.south)) / 2

    def __call__(self, longitude, latitude):
        x = PADDING + (longitude - self.west) * self.aspect * self.scale
        y = PADDING + (self.north - latitude) * self.scale
        return round(x, 1), round(y, 1)


def _points(rings):
    return [point for ring in rings for point in ring]


def _centre(rings):
    points = _points(rings)
    longitudes = [p[0] for p in points]
    latitudes = [p[1] for p in points]
    return (min(longitudes) + max(longitudes)) / 2, (min(latitudes) + max(latitudes)) / 2


def _path(rings, projection) -> str:
    commands = []
    for ring in rings:
        coordinates = [projection(lon, lat) for lon, lat in ring]
        if coordinates:
            commands.append("M" + "L".join(f"{x},{y}" for x, y in coordinates) + "Z")
    return "".join(commands)


def map_context(city, projects) -> dict:
    """What `portal/_city_map.html` draws for `projects` (a queryset of public projects)."""
    located = list(projects.exclude(location="").select_related("city").order_by("title"))
    areas = list(Area.objects.filter(city=city))
    comune = next((area for area in areas if area.level == Area.Level.COMUNE), None)
    quartieri = {area.name.casefold(): area for area in areas if area.level == Area.Level.QUARTIERE}
    whole = Place("luogo-comune", _("The whole city"))
    by_quartiere: dict[str, Place] = {}
    points: list[Place] = []  # a place per project with coordinates
    unplaced = Place("luogo-altro", _("Other places (not on the map)"))
    for project in located:
        if project.latitude is not None and project.longitude is not None:
            place = Place(
                f"luogo-progetto-{project.pk}",
                project.place_label or str(project),
                [project],
                latitude=float(project.latitude),
                longitude=float(project.longitude),
            )
            points.append(place)
        elif project.location == Project.Location.COMUNE:
            whole.projects.append(project)
        elif project.quartiere:
            key = project.quartiere.casefold()
            if key not in by_quartiere:
                by_quartiere[key] = Place(
                    f"luogo-quartiere-{slugify(project.quartiere)}",
                    _("Quartiere %(name)s") % {"name": project.quartiere},
                )
            by_quartiere[key].projects.append(project)
        else:
            unplaced.projects.append(project)
    for key, place in list(by_quartiere.items()):
        area = quartieri.get(key)
        if area is not None and area.rings:
            place.longitude, place.latitude = _centre(area.rings)
    extent = _points(comune.rings) if comune is not None else []
    extent += _points([area.rings[0] for area in quartieri.values() if area.rings])
    extent += [(p.longitude, p.latitude) for p in points]
    if comune is not None and comune.rings:
        whole.longitude, whole.latitude = _centre(comune.rings)
    elif whole.projects:
        # No shape of the comune: its marker stands alone in the middle of what the map shows.
        if not extent:
            extent = [(-0.01, -0.01), (0.01, 0.01)]
        whole.longitude, whole.latitude = _centre([extent])
    projection = Projection(extent) if extent else None
    placed = [p for p in (whole, *by_quartiere.values(), *points) if p.projects and p.latitude is not None]
    for place in placed:
        place.x, place.y = projection(place.longitude, place.latitude)
    for place in by_quartiere.values():
        if place.latitude is None:
            unplaced.projects.extend(place.projects)
    shapes = []
    if projection is not None:
        shapes = [
            {"name": area.name, "level": area.level, "path": _path(area.rings, projection)}
            for area in sorted(areas, key=lambda area: area.level != Area.Level.COMUNE)
        ]
    places = [p for p in (whole, *by_quartiere.values(), *points) if p.projects and p.latitude is not None]
    if unplaced.projects:
        places.append(unplaced)
    return {
        "city_map": {
            "width": WIDTH,
            "height": projection.height if projection else 0,
            "shapes": shapes,
            "markers": [p for p in places if p.x is not None],
            "places": places,
            "count": len(located),
            "source": comune.source if comune is not None else "",
            "has_boundary": comune is not None,
            "tiles": settings.PONTE_MAP_TILE_URL,
            "tile_attribution": settings.PONTE_MAP_TILE_ATTRIBUTION,
        }
    }
