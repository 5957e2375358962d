"""Italian everywhere: every staff page of the Bologna data set reads in Italian (no stored
codes, no English UI words), every catalogue entry is translated, and no entry of Ponte's
catalogue overrides Django's, DRF's or auditlog's own (the admin's “Vai”, not “Si partecipa”)."""

import gettext
import html
import io
import re
from collections import deque
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from ponte.core.models import City, Membership
from ponte.factories import MembershipFactory, UserFactory

PONTE_CATALOGUE = Path(settings.BASE_DIR) / "src" / "ponte" / "locale" / "it" / "LC_MESSAGES"
# Entries no extractor sees (strings through helpers such as `gettext_now`, the date names), kept
# apart so that `make makemessages` never marks them obsolete.
KEPT_CATALOGUE = Path(settings.BASE_DIR) / "src" / "ponte" / "translations" / "locale" / "it" / "LC_MESSAGES"
CHOICE_CODE = re.compile(r"\b[a-z]+_[a-z_]+\b")  # in_progress, not_started, owner_office
AXIS_REFERENCE = re.compile(r"\b(?:sdg|eu|mandate|flagship|asset|framework):\S")
ENGLISH_UI = re.compile(
    r"\b(?:Updated|Signed|Registered|Received|Organisation|Organisations|Save|Edit|Delete|Status|Search|Filter|"
    r"Apply|Export|Download|Upload|Import|Title|Name|Actions|Previous|Next|Page|Submit|Cancel|Created|Changed|"
    r"None|True|False|Sort by|descending|Deadline|Kind|Owner|owner|editor|viewer|Plan owner|Office editor|"
    r"Go|Yes|Home|Log out|Summary|Start|End|Progress|Weight|Partner organisations)\b"
)
EMPTY_CHOICE = re.compile(r"-{9}")  # Django's "---------": an empty choice that says nothing
# Identifiers people type (a command, a source's file name) are shown as code on purpose.
TECHNICAL = {"import_funding", "progetti_esteso"}
SKIP = re.compile(r"export=|download=|/esci|/logout|\.(?:xlsx|csv|docx|pdf|ics|png|json)(?:\?|$)|/media/|/accesso/")


def visible_text(page: str) -> str:
    main = page.split('id="main"', 1)[-1]
    main = re.sub(r"(?s)<(script|style|code|pre)\b.*?</\1>", " ", main)
    main = re.sub(r"(?s)<!--.*?-->", " ", main)
    main = re.sub(r"<[^>]+>", " ", main)
    main = re.sub(r"https?://\S+", " ", html.unescape(main))  # an address is content, not words of the UI
    return re.sub(r"\s+", " ", main)


def data_set_text() -> str:
    """The Bologna data set's own words (project titles, programme names: “Next Generation EU”),
    which are content, not user interface."""
    folder = Path(settings.BASE_DIR) / "data" / "bologna"
    return re.sub(r"\s+", " ", " ".join(path.read_text() for path in sorted(folder.iterdir()) if path.is_file()))


def untranslated_words(text: str, data: str) -> set[str]:
    """Codes and English words of the interface in a page's visible text; a word that belongs
    to a phrase of the data set (with its neighbour before or after) is content."""
    found = set()
    for pattern in (CHOICE_CODE, AXIS_REFERENCE, ENGLISH_UI, EMPTY_CHOICE):
        for match in pattern.finditer(text):
            word = match.group(0)
            before = text[: match.start()].split()[-1:]
            after = text[match.end() :].split()[:1]
            phrases = [f"{before[0]} {word}" if before else None, f"{word} {after[0]}" if after else None]
            if word in TECHNICAL or any(phrase and phrase in data for phrase in phrases):
                continue
            found.add(word)
    return found


def catalogue(path: Path) -> dict:
    with path.open("rb") as file:
        return gettext.GNUTranslations(file)._catalog


def installed_catalogues():
    import django

    packages = Path(django.__file__).resolve().parents[1]
    for path in packages.glob("**/locale/it/LC_MESSAGES/django.mo"):
        yield path.relative_to(packages).parts[0], catalogue(path)


@pytest.mark.parametrize("folder", [PONTE_CATALOGUE, KEPT_CATALOGUE], ids=["ponte", "kept"])
def test_every_catalogue_entry_is_translated_and_none_is_fuzzy(folder):
    text = (folder / "django.po").read_text()
    entries = text.split("\n\n")
    assert not [entry for entry in entries if "#, fuzzy" in entry and 'msgid ""\nmsgstr ""' not in entry[:40]]
    untranslated = [
        msgid for msgid, translation in catalogue(folder / "django.mo").items() if msgid and not translation
    ]
    assert not untranslated
    for entry in entries[1:]:
        if re.search(r'^msgid "', entry, re.M):
            assert re.search(r'^msgstr(?:\[0\])? "(?:.+)"|^msgstr(?:\[0\])? ""\n"', entry, re.M), entry


def test_the_kept_entries_are_not_dropped_by_makemessages():
    """An entry of the kept catalogue that the main one also holds is a duplicate that would drift."""
    kept = {msgid for msgid in catalogue(KEPT_CATALOGUE / "django.mo") if msgid}
    assert kept and not kept & set(catalogue(PONTE_CATALOGUE / "django.mo"))


# Deliberate: Italian writes month and weekday names in lower case ("giovedì 10 dicembre"),
# Django's catalogue capitalises them; see ponte/core/formats/it/formats.py.
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October")
DATE_NAMES = {*WEEKDAYS, *(f"alt. month\x04{month}" for month in (*MONTHS, "November", "December"))}


def test_no_ponte_entry_overrides_an_installed_catalogue():
    ponte = {**catalogue(KEPT_CATALOGUE / "django.mo"), **catalogue(PONTE_CATALOGUE / "django.mo")}
    catalogues = list(installed_catalogues())
    django_own = {
        msgid: text for package, theirs in catalogues if package == "django" for msgid, text in theirs.items()
    }
    clashes = []
    for package, theirs in catalogues:
        for msgid, translation in theirs.items():
            if msgid in DATE_NAMES and ponte.get(msgid) == translation.lower():
                continue
            if package != "django" and ponte.get(msgid) == django_own.get(msgid):
                continue  # as Django says it, where a package says it otherwise (django-filter's "Sí")
            if msgid and msgid in ponte and ponte[msgid] != translation:
                clashes.append((package, msgid, translation, ponte[msgid]))
    assert not clashes


@pytest.fixture
def bologna(db):
    data = Path(settings.BASE_DIR) / "data" / "bologna"
    call_command("load_plan", str(data), stdout=io.StringIO())
    return City.objects.get()


def test_the_admin_reads_in_italian(client, action):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    index = client.get("/admin/").content.decode()
    assert "Amministrazione sito" in index
    assert "Annulla l&#x27;accesso" in index or "Annulla l'accesso" in index  # Django's own “Log out”
    changelist = client.get("/admin/plan/action/").content.decode()
    assert re.search(r"<button[^>]*>\s*Vai\s*</button>", changelist), "the action button reads “Vai”"
    assert "Si partecipa" not in changelist


def test_every_staff_page_reads_in_italian(client, bologna):
    owner = MembershipFactory(city=bologna, role=Membership.Role.PLAN_OWNER).user
    client.force_login(owner)
    roots = [f"/{bologna.slug}/gestione/", f"/{bologna.slug}/eventi/"]
    start = f"/{bologna.slug}/gestione/"
    queue, seen, problems = deque([start]), {start}, {}
    data = data_set_text()
    visited = 0
    while queue and visited < 400:
        url = queue.popleft()
        response = client.get(url)
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue
        visited += 1
        page = response.content.decode()
        text = visible_text(page)
        found = untranslated_words(text, data)
        if found:
            problems[url] = sorted(found)
        for href in re.findall(r'href="([^"#]+)"', page):
            href = html.unescape(href)
            if any(href.startswith(root) for root in roots) and not SKIP.search(href) and href not in seen:
                if "?" in href and "page=" not in href:
                    continue  # filters and sort orders: the unfiltered list is enough
                seen.add(href)
                queue.append(href)
    assert visited > 50, visited
    assert not problems, "\n".join(f"{url}: {words}" for url, words in problems.items())
