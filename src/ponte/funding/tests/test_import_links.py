"""Issue 14: a call's link is a web address (http or https) whether it comes from an imported
Funding & Tenders file or from the form; a `javascript:` link never reaches a page."""

import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command

from ponte.core.models import ImportJob
from ponte.funding.models import Call

FIXTURES = Path(__file__).parent / "fixtures"


def with_links(tmp_path, name, links: dict) -> Path:
    """The fixture with some items' "url" replaced, by identifier."""
    document = json.loads((FIXTURES / name).read_text(encoding="utf-8"))
    if "fundingData" in document:
        for item in document["fundingData"]["GrantTenderObj"]:
            item["url"] = links.get(item["identifier"], item.get("url"))
    else:
        for item in document["results"]:
            item["url"] = links.get(item["metadata"]["identifier"][0], item.get("url"))
    target = tmp_path / name
    target.write_text(json.dumps(document), encoding="utf-8")
    return target


def test_imported_javascript_links_are_dropped_with_a_warning_naming_the_topic(client, users, city, tmp_path):
    reference = with_links(
        tmp_path, "grantsTenders_sample.json", {"NEAR/BEG/2023/EA-RP/0169": " JavaScript:alert(document.cookie)"}
    )
    search = with_links(
        tmp_path,
        "search_api_sample.json",
        {"HORIZON-EIC-2026-STEP": "java\tscript:alert(1)", "HORIZON-MISS-2027-CIT-01-01": "https://example.org/m"},
    )
    for path in (reference, search):
        call_command("import_funding", "funding-tenders", str(path), "--city", city.slug, stdout=io.StringIO())
    calls = {c.identifier: c for c in Call.objects.all()}
    assert calls["NEAR/BEG/2023/EA-RP/0169"].url == ""  # a tender: no link rather than a script
    assert calls["HORIZON-EIC-2026-STEP"].url.startswith("https://ec.europa.eu/")  # the topic's own page
    assert calls["HORIZON-MISS-2027-CIT-01-01"].url == "https://example.org/m"
    warnings = [" ".join(job.warnings) for job in ImportJob.objects.order_by("pk")]
    assert "NEAR/BEG/2023/EA-RP/0169" in warnings[0] and "HORIZON-EIC-2026-STEP" in warnings[1]
    client.force_login(users["owner"])
    for call in calls.values():
        page = client.get(call.get_absolute_url()).content.decode().lower()
        assert "javascript:" not in page and "java\tscript" not in page


@pytest.mark.parametrize("link", ["javascript:alert(1)", "ftp://example.org/bando.pdf", "data:text/html,<b>x</b>"])
def test_the_call_form_refuses_a_link_that_is_not_http(client, users, city, link):
    client.force_login(users["owner"])
    response = client.post(
        f"/{city.slug}/gestione/fondi/bandi/nuovo/",
        {"identifier": "LIFE-2027-CLIMA", "title": "Clima", "status": "open", "decision": "undecided", "url": link},
    )
    assert response.status_code == 200 and "url" in response.context["form"].errors
    assert not Call.objects.exists()
