"""publiccode.yml (Developers Italia catalogue) is complete and agrees with the project."""

import re
import tomllib
from pathlib import Path

import yaml
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
REQUIRED = [
    "publiccodeYmlVersion",
    "name",
    # `url` too, once the repository is published (see the file's comment): no address is invented.
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


# What a value or comment left to fill in looks like: a local or example address, a "replace/set
# it when…" note, an e-mail of nobody.
PLACEHOLDER = re.compile(
    r"localhost|127\.0\.0\.1|example\.(com|org|net)|\bTODO\b|\bFIXME\b|\bXXX\b|placeholder|"
    r"\breplace\b|\bset it\b|ponte-pa|noreply|no-reply|@invalid",
    re.IGNORECASE,
)


def placeholders(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if PLACEHOLDER.search(line)]


def test_publiccode_has_no_placeholder():
    text = (ROOT / "publiccode.yml").read_text()
    assert placeholders(text) == []
    document = yaml.safe_load(text)
    if "url" in document:
        assert document["url"].startswith("https://"), document["url"]
    contacts = document["maintenance"]["contacts"]
    assert contacts
    for contact in contacts:
        assert contact["name"].strip()
        # Only an office's address, never a made-up one: a domain of the city's own.
        if "email" in contact:
            assert re.fullmatch(r"[^@\s]+@comune\.bologna\.it", contact["email"]), contact["email"]
    # The security keys say only what is true: the `conforme` block holds booleans, and no claim
    # of compliance with AgID's minimum security measures that nobody assessed.
    conforme = document.get("it", {}).get("conforme", {})
    assert all(isinstance(value, bool) for value in conforme.values())
    assert conforme.get("misureMinimeSicurezza") is not True


def test_the_security_contact_is_the_one_docs_security_names():
    """Whoever finds a vulnerability reads docs/security.md: its "Reporting a vulnerability"
    section names the contacts publiccode.yml lists (office and administration), the address of
    any contact given with one, the IPA code through which the Comune's certified e-mail is found,
    and asks for no public issue."""
    document = yaml.safe_load((ROOT / "publiccode.yml").read_text())
    security = (ROOT / "docs" / "security.md").read_text()
    section = security.split("## Reporting a vulnerability", 1)[1].split("\n## ", 1)[0]
    section = " ".join(section.split())
    assert "publiccode.yml" in section and "do not open a public issue" in section
    for contact in document["maintenance"]["contacts"]:
        assert contact["name"] in section and contact["affiliation"] in section, contact
        if "email" in contact:
            assert contact["email"] in section
        else:  # no address listed: the section says how to reach the office all the same
            assert f"`{document['it']['riuso']['codiceIPA']}`" in section
    assert document["maintenance"]["type"] == "internal"  # the Comune itself answers, no contractor


def test_placeholder_patterns_are_caught():
    for line in [
        'url: "https://github.com/ponte-pa/ponte"',
        "email: ponte@localhost",
        "# replace with the office's address when the repository is published.",
        "# The address of the public repository: set it where the code is published.",
        "email: someone@example.org",
    ]:
        assert placeholders(line) == [line], line
