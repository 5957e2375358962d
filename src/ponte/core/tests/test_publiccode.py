"""publiccode.yml (Developers Italia catalogue) is complete and agrees with the project."""

import tomllib
from pathlib import Path

import yaml
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
REQUIRED = [
    "publiccodeYmlVersion",
    "name",
    "url",
    "platforms",
    "categories",
    "developmentStatus",
    "softwareType",
    "description",
    "legal",
    "maintenance",
    "localisation",
]


def test_publiccode_has_the_mandatory_keys_and_matches_the_project():
    document = yaml.safe_load((ROOT / "publiccode.yml").read_text())
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert [key for key in REQUIRED if key not in document] == []
    assert document["publiccodeYmlVersion"] == "0.4"
    assert document["softwareVersion"] == project["version"]
    assert document["legal"]["license"] == project["license"]
    assert document["developmentStatus"] in {"concept", "development", "beta", "stable", "obsolete"}
    assert set(document["localisation"]["availableLanguages"]) == {"it", "en"}
    for language, text in document["description"].items():
        assert len(text["shortDescription"]) <= 150, language
        assert 150 <= len(text["longDescription"]) <= 10000, language
        assert text["features"], language
    assert document["maintenance"]["type"] in {"internal", "contract", "community", "none"}
    assert document["it"]["riuso"]["codiceIPA"] == "c_a944"
