"""Where a funded project is (issue 15) and the PNRR measure it belongs to: what Italia Domani's
file gives (the measure; the comune, since the Comune implements the project), what staff add
(a quartiere, an address, coordinates), what a re-import keeps, and the shapes of the city's map
loaded from its data set."""

import io
import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from ponte.core.importing import ImportFailed
from ponte.funding.loading import load_map
from ponte.funding.models import Area, Project
from ponte.funding.tests.factories import ProgrammeFactory, ProjectFactory

HEADER = (
    "Missione;Descrizione Missione;ID Misura;Codice Univoco Misura;Descrizione Misura;Codice Univoco Submisura;"
    "Descrizione Submisura;CUP;Codice Locale Progetto;Titolo Progetto;Soggetto Attuatore;"
    "Codice Fiscale Soggetto Attuatore;Finanziamento PNRR;Finanziamento Totale"
)
ROW = (
    "M2;Rivoluzione verde;M2C2I4.1;M2C2I4.01;{measure};M2C2I4.01.02;Ciclovie Urbane;F31B21000000001;BO-BICI-01;"
    "Ciclovie urbane della città;COMUNE DI BOLOGNA;01232710374;1000000,00;1200000,00"
)


@pytest.fixture
def bologna(city):
    city.name, city.istat_code, city.tax_code = "Bologna", "037006", "01232710374"
    city.save()
    ProgrammeFactory(city=city, slug="indiretti", kind="indirect")
    return city


def import_pnrr(tmp_path, city, *rows, header=HEADER):
    path = tmp_path / "PNRR_Progetti.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8-sig")
    call_command("import_funding", "pnrr", str(path), "--city", city.slug, stdout=io.StringIO())


def test_the_importer_keeps_the_measure_and_its_submeasure(tmp_path, bologna):
    import_pnrr(tmp_path, bologna, ROW.format(measure="Rafforzamento mobilità ciclistica"))
    project = Project.objects.get(origin="pnrr")
    assert (project.measure_code, project.measure_name) == ("M2C2I4.01", "Rafforzamento mobilità ciclistica")
    assert (project.submeasure_code, project.submeasure_name) == ("M2C2I4.01.02", "Ciclovie Urbane")


def test_a_release_without_the_unique_code_keeps_the_measure_id(tmp_path, bologna):
    header = HEADER.replace("Codice Univoco Misura;", "")
    row = ROW.replace("M2C2I4.01;{measure}", "{measure}").format(measure="Mobilità ciclistica")
    import_pnrr(tmp_path, bologna, row, header=header)
    assert Project.objects.get(origin="pnrr").measure_code == "M2C2I4.1"


def test_a_reimport_updates_the_measure_and_never_duplicates(tmp_path, bologna):
    import_pnrr(tmp_path, bologna, ROW.format(measure="Vecchia descrizione"))
    import_pnrr(tmp_path, bologna, ROW.format(measure="Rafforzamento   mobilità ciclistica"))
    project = Project.objects.get(origin="pnrr")  # one project, not two
    assert project.measure_name == "Rafforzamento mobilità ciclistica"  # spaces as a person reads them


def test_an_imported_project_is_located_at_the_comune(tmp_path, bologna):
    import_pnrr(tmp_path, bologna, ROW.format(measure="Mobilità"))
    project = Project.objects.get(origin="pnrr")
    assert project.location == Project.Location.COMUNE
    assert project.place_label == "Bologna"


def test_the_place_staff_refine_survives_the_next_import(tmp_path, bologna):
    import_pnrr(tmp_path, bologna, ROW.format(measure="Mobilità"))
    Project.objects.filter(origin="pnrr").update(
        location="address", quartiere="Navile", place="Via della Beverara 1", latitude=Decimal("44.515")
    )
    import_pnrr(tmp_path, bologna, ROW.format(measure="Mobilità ciclistica"))
    project = Project.objects.get(origin="pnrr")
    assert (project.location, project.quartiere, project.place) == ("address", "Navile", "Via della Beverara 1")
    assert project.measure_name == "Mobilità ciclistica"
    assert project.place_label == "Bologna – quartiere Navile – Via della Beverara 1"


def test_coordinates_come_in_pairs_and_a_level_needs_its_detail(city):
    programme = ProgrammeFactory(city=city)
    project = ProjectFactory(
        city=city, programme=programme, location="address", place="Piazza Maggiore 6", latitude=Decimal("44.49")
    )
    with pytest.raises(ValidationError) as error:
        project.full_clean()
    assert "longitude" in error.value.message_dict
    project.longitude, project.location = Decimal("11.34"), "quartiere"
    with pytest.raises(ValidationError) as error:
        project.full_clean()
    assert "quartiere" in error.value.message_dict
    project.quartiere = "Santo Stefano"
    project.full_clean()


def test_staff_set_the_place_on_the_project_form(client, users, city):
    programme = ProgrammeFactory(city=city, slug="horizon", kind="direct")
    client.force_login(users["owner"])
    form = client.get(f"/{city.slug}/gestione/fondi/progetti/nuovo/").content.decode()
    for name in ("location", "quartiere", "latitude", "longitude", "measure_code"):
        assert f'name="{name}"' in form
    response = client.post(
        f"/{city.slug}/gestione/fondi/progetti/nuovo/",
        {
            "title": "Casa di quartiere",
            "programme": programme.pk,
            "role": "beneficiary",
            "location": "address",
            "place": "Via Gorki 6",
            "quartiere": "Navile",
            "latitude": "44,5225",
            "longitude": "11,3601",
        },
    )
    assert response.status_code == 302
    project = Project.objects.get(title="Casa di quartiere")
    assert (project.location, project.quartiere) == ("address", "Navile")
    assert (project.latitude, project.longitude) == (Decimal("44.5225"), Decimal("11.3601"))
    bad = client.post(
        f"/{city.slug}/gestione/fondi/progetti/nuovo/",
        {"title": "Senza via", "programme": programme.pk, "role": "beneficiary", "location": "address"},
    )
    assert bad.status_code == 200 and "place" in bad.context["form"].errors


class _Loader:
    """The part of the data set loader `load_map` uses."""

    def __init__(self, city, folder):
        from ponte.core.importing import ImportReport

        self.city, self.folder, self.errors, self.report = city, folder, [], ImportReport()

    def text(self, file, item, field, *, required=False, max_length=None):
        value = str(item.get(field) or "").strip()
        if required and not value:
            self.errors.append((file, field))
        return value

    def error(self, file, row, field, message):
        self.errors.append((file, row, field, message))

    def upsert_row(self, file, line, model, lookup, values):
        from ponte.core.importing import upsert

        return upsert(model, {"city": self.city, **lookup}, values, self.report)


class _Spec(dict):
    line = 1


def shapes(*features):
    return {"type": "FeatureCollection", "features": list(features)}


def feature(level, name, geometry_type="Polygon"):
    ring = [[11.3, 44.4], [11.4, 44.4], [11.4, 44.5], [11.3, 44.4]]
    coordinates = [ring] if geometry_type == "Polygon" else [[ring], [ring]]
    return {
        "type": "Feature",
        "properties": {"level": level, "name": name},
        "geometry": {"type": geometry_type, "coordinates": coordinates},
    }


def test_the_map_file_of_the_data_set_loads_its_shapes_and_drops_the_old_ones(tmp_path, city):
    Area.objects.create(city=city, level="quartiere", name="Quartiere soppresso", rings=[])
    (tmp_path / "map.geojson").write_text(
        json.dumps(shapes(feature("comune", "Testopoli"), feature("quartiere", "Navile", "MultiPolygon")))
    )
    loader = _Loader(city, tmp_path)
    load_map(loader, {"map": _Spec(file="map.geojson", source="ISTAT (CC BY 4.0)")})
    assert loader.errors == []
    areas = {area.name: area for area in Area.objects.filter(city=city)}
    assert set(areas) == {"Testopoli", "Navile"}
    assert len(areas["Navile"].rings) == 2 and areas["Testopoli"].source == "ISTAT (CC BY 4.0)"


def test_a_shape_without_level_or_name_is_a_problem_of_the_data_set(tmp_path, city):
    (tmp_path / "map.geojson").write_text(json.dumps(shapes(feature("regione", "Emilia-Romagna"))))
    loader = _Loader(city, tmp_path)
    load_map(loader, {"map": _Spec(file="map.geojson")})
    assert loader.errors and not Area.objects.exists()
    missing = _Loader(city, tmp_path)
    load_map(missing, {"map": _Spec(file="assente.geojson")})
    assert missing.errors


def test_bologna_data_set_ships_its_boundary(city):
    from pathlib import Path

    from django.conf import settings

    path = Path(settings.BASE_DIR) / "data" / "bologna" / "map.geojson"
    assert path.stat().st_size < 200_000
    comune = json.loads(path.read_text())["features"][0]
    assert comune["properties"]["level"] == "comune" and comune["properties"]["name"] == "Bologna"


def test_a_failing_import_leaves_no_trace(tmp_path, bologna):
    with pytest.raises((ImportFailed, Exception)):
        import_pnrr(tmp_path, bologna, ROW.format(measure="X").replace("F31B21000000001", "NON-UN-CUP"))
    assert not Project.objects.exists()
