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
from django.db.models import Case, CharField, Count, F, Min, Q, Value, When, Window
from django.db.models.functions import Concat, Lower, RowNumber
from django.utils.http import urlencode
from django.utils.text import slugify
from django.utils.translation import gettext as _

from ponte.funding.models import Area, Project

WIDTH = 600
PADDING = 12
MAX_LISTED = 10  # projects named per place in the list beside the map
MAX_POINTS = 100  # projects with coordinates drawn as their own marker, the first by title

# The map's place of a project, computed by the database: "p" for its own point (coordinates), "c"
# for the whole comune, "q" + the casefolded quartiere for a quartiere ("q" alone: nowhere on the map).
POINT, COMUNE, QUARTIERE = "p", "c", "q"
PLACE_OF = Case(
    When(latitude__isnull=False, longitude__isnull=False, then=Value(POINT)),
    When(location=Project.Location.COMUNE, then=Value(COMUNE)),
    default=Concat(Value(QUARTIERE), Lower("quartiere")),
    output_field=CharField(),
)
ON_A_POINT = Q(latitude__isnull=False, longitude__isnull=False)
# What the map and its list show of a project (its name, link and place): the database sorts these
# narrow rows, not whole projects with their descriptions.
SHOWN = ("title", "acronym", "place", "location", "quartiere", "latitude", "longitude", "city__slug", "city__name")


@dataclass
class Place:
    """A place of the list beside the map and its marker (a group of projects): how many projects
    it has (`count`), counted by the database, and the first few of them by title (`listed`)."""

    key: str  # anchor of the list entry
    name: str
    listed: list = field(default_factory=list)
    count: int = 0
    more_url: str = ""  # the projects list filtered to this place, when the place has more than listed
    x: float | None = None
    y: float | None = None
    latitude: float | None = None
    longitude: float | None = None

    @property
    def href(self) -> str:
        """A project's own marker leads to its page; a place's, to its entry in the list."""
        if self.key.startswith("luogo-progetto-"):
            return self.listed[0].get_public_url()
        return f"#{self.key}"

    @property
    def unlisted(self) -> int:
        return max(self.count - len(self.listed), 0)


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


def _more_url(city, query, **place) -> str:
    """The projects list with its current filters and the place's (`PublicProjectFilter.located`)."""
    from django.urls import reverse

    params = {key: value for key, value in (query or {}).items() if key not in ("page", "located", "place")}
    return reverse("portal:project-list", kwargs={"city": city.slug}) + "?" + urlencode({**params, **place})


def map_context(city, projects, query=None) -> dict:
    """What `portal/_city_map.html` draws for `projects` (a queryset of public projects, e.g. the
    filtered list; `query` its filters, kept by the links to a place's projects).

    The cost does not grow with the projects: the database counts the projects of each place and
    reads the first `MAX_LISTED` of each by title, and the first `MAX_POINTS` with coordinates."""
    located = (
        Project.objects.filter(pk__in=projects.order_by().values("pk")).exclude(location="").annotate(place_of=PLACE_OF)
    )
    counts = {
        row["place_of"]: row
        for row in located.order_by().values("place_of").annotate(count=Count("pk"), name=Min("quartiere"))
    }
    total = sum(row["count"] for row in counts.values())
    if not total:
        return {"city_map": {"count": 0}}
    first = (
        located.exclude(ON_A_POINT)
        .annotate(rank=Window(RowNumber(), partition_by=[F("place_of")], order_by=[F("title").asc(), F("pk").asc()]))
        .filter(rank__lte=MAX_LISTED)
        .select_related("city")
        .only(*SHOWN)
        .order_by("title", "pk")
    )
    listed: dict[str, list] = {}
    for project in first:
        listed.setdefault(project.place_of, []).append(project)
    areas = list(Area.objects.filter(city=city))
    comune = next((area for area in areas if area.level == Area.Level.COMUNE), None)
    quartieri = {area.name.casefold(): area for area in areas if area.level == Area.Level.QUARTIERE}

    whole = Place("luogo-comune", _("The whole city"), listed.get(COMUNE, []), counts.get(COMUNE, {}).get("count", 0))
    if whole.unlisted:
        whole.more_url = _more_url(city, query, located="comune")
    by_quartiere: list[Place] = []
    unplaced = Place("luogo-altro", _("Other places (not on the map)"), list(listed.get(QUARTIERE, [])))
    unplaced.count = counts.get(QUARTIERE, {}).get("count", 0)
    for key, row in sorted(counts.items(), key=lambda item: item[0]):
        if not key.startswith(QUARTIERE) or key == QUARTIERE:
            continue
        name = row["name"]
        area = quartieri.get(key.removeprefix(QUARTIERE))
        if area is None or not area.rings:
            # No shape of this quartiere: its projects are named beside the map, not drawn anywhere.
            unplaced.listed.extend(listed.get(key, []))
            unplaced.count += row["count"]
            continue
        place = Place(
            f"luogo-quartiere-{slugify(name)}",
            _("Quartiere %(name)s") % {"name": name},
            listed.get(key, []),
            row["count"],
        )
        place.longitude, place.latitude = _centre(area.rings)
        if place.unlisted:
            place.more_url = _more_url(city, query, located="quartiere", place=name)
        by_quartiere.append(place)
    unplaced.listed = sorted(unplaced.listed, key=lambda project: (project.title, project.pk))[:MAX_LISTED]

    point_count = counts.get(POINT, {}).get("count", 0)
    points = []  # a place per project with coordinates, the first MAX_POINTS by title
    if point_count:
        drawn = located.filter(ON_A_POINT).select_related("city").only(*SHOWN).order_by("title", "pk")
        for project in drawn[:MAX_POINTS]:
            points.append(
                Place(
                    f"luogo-progetto-{project.pk}",
                    project.place_label or str(project),
                    [project],
                    1,
                    latitude=float(project.latitude),
                    longitude=float(project.longitude),
                )
            )
    undrawn = None
    if point_count > MAX_POINTS:
        undrawn = Place("luogo-punti", _("More projects with their own point"), count=point_count - MAX_POINTS)
        undrawn.more_url = _more_url(city, query, located="point")

    extent = _points(comune.rings) if comune is not None else []
    extent += _points([area.rings[0] for area in quartieri.values() if area.rings])
    extent += [(p.longitude, p.latitude) for p in points]
    if comune is not None and comune.rings:
        whole.longitude, whole.latitude = _centre(comune.rings)
    elif whole.count:
        # No shape of the comune: its marker stands alone in the middle of what the map shows.
        if not extent:
            extent = [(-0.01, -0.01), (0.01, 0.01)]
        whole.longitude, whole.latitude = _centre([extent])
    projection = Projection(extent) if extent else None
    places = [p for p in (whole, *by_quartiere, *points) if p.count and p.latitude is not None]
    for place in places:
        place.x, place.y = projection(place.longitude, place.latitude)
    shapes = []
    if projection is not None:
        shapes = [
            {"name": area.name, "level": area.level, "path": _path(area.rings, projection)}
            for area in sorted(areas, key=lambda area: area.level != Area.Level.COMUNE)
        ]
    listed_places = list(places)
    if undrawn is not None:
        listed_places.append(undrawn)
    if unplaced.count:
        listed_places.append(unplaced)
    return {
        "city_map": {
            "width": WIDTH,
            "height": projection.height if projection else 0,
            "shapes": shapes,
            "markers": places,
            "places": listed_places,
            "count": total,
            "source": comune.source if comune is not None else "",
            "has_boundary": comune is not None,
            "tiles": settings.PONTE_MAP_TILE_URL,
            "tile_attribution": settings.PONTE_MAP_TILE_ATTRIBUTION,
        }
    }
