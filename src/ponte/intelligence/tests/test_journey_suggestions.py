"""Journeys of the SDG suggestions in Chromium at 1366 px and 375 px: a plan owner opens an
action, reads the goals suggested for it with their targets and the passages that support them,
unticks and ticks targets with the mouse, accepts one goal and rejects another, and sees what was
done; the database holds the alignments and who decided when. On an action already aligned to
targets, the page opens at once while the worker computes, the panel fills in by itself, the goals
those targets belong to are listed as aligned (targets ticked, not removable) and not offered
again, and only a target the model is confident of comes ticked. A funds officer runs the
suggestions over the imported projects and calls, sees the run's progress follow by itself and
its summary, and assesses the suggestions in the review list."""

import os
from types import SimpleNamespace

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from playwright.sync_api import expect

from ponte.factories import ActionFactory, LineFactory
from ponte.funding.tests.factories import CallFactory, ProjectFactory
from ponte.intelligence import suggestions, tasks
from ponte.intelligence.models import SDGSuggestion, SuggestionJob
from ponte.plan.models import AxisItem

from .test_suggestion_views import SOLAR, TRAM

SHOTS = os.environ.get("SUGGESTUI_SHOTS", "/tmp/shots")  # noqa: S108 - where the reviewers look


def snap(page, name):
    os.makedirs(SHOTS, exist_ok=True)
    page.screenshot(path=f"{SHOTS}/suggestui-{name}.png", full_page=True)


def decided(obj, goal):
    content_type = ContentType.objects.get_for_model(obj)
    return SDGSuggestion.objects.get(content_type=content_type, object_id=obj.pk, goal=goal)


@pytest.mark.parametrize("width", ["desktop", "mobile"])
def test_a_plan_owner_accepts_one_goal_and_rejects_another(visit, city, sdg_axis, users, fake_classifier, width):
    action = ActionFactory(
        line=LineFactory(city=city), code="3.1.2", title="Mobilità ed energia", description=f"{TRAM} {SOLAR}"
    )
    owner = users["owner"]
    owner.first_name, owner.last_name = "Giulia", "Rossi"
    owner.save()
    page = visit(action.get_absolute_url(), user=owner, width=width)

    panel = page.locator("#sdg-suggestions")
    expect(panel.get_by_role("heading", level=2)).to_have_text("Obiettivi di sviluppo sostenibile suggeriti")
    tram = panel.locator(".ponte-sdg-card").filter(
        has=page.get_by_role("heading", name="SDG 11 · Città e comunità sostenibili")
    )
    solar = panel.locator(".ponte-sdg-card").filter(
        has=page.get_by_role("heading", name="SDG 7 · Energia pulita e accessibile")
    )
    # An Italian text: modest words, a model score rather than a probability, and one line on
    # what was measured.
    expect(tram).to_contain_text("Probabile · punteggio del modello 90/100")
    expect(panel.locator(".ponte-sdg-reliability")).to_have_text(
        "Suggerimenti per testi in italiano: meno affidabili (precisione misurata circa 50%), valutali con attenzione."
    )
    expect(tram.locator("mark")).to_have_text("tram")
    expect(solar.locator("mark")).to_have_text("pannelli solari")
    target_2, target_6, target_3 = (tram.get_by_role("checkbox", name=f"SDG 11.{n} ") for n in (2, 6, 3))
    expect(target_2).to_be_checked()  # the model is confident of 11.2 (0.9), not of 11.6 (0.8)
    expect(target_6).not_to_be_checked()
    expect(target_3).not_to_be_checked()
    snap(page, f"action-panel-{width}")
    page.screenshot(path=f"{SHOTS}/sdgpanel-action-panel-{width}.png", full_page=True)

    tram.get_by_text("SDG 11.3 ·").click()  # the mouse on the label, as a person does
    expect(target_6).not_to_be_checked()
    expect(target_3).to_be_checked()
    snap(page, f"targets-chosen-{width}")
    tram.get_by_role("button", name="Accetta").click()

    expect(page.locator(".ponte-messages")).to_contain_text(
        "Azione 3.1.2 Mobilità ed energia: SDG 11 · Città e comunità sostenibili aggiunto all'allineamento, "
        "con i target 11.2, 11.3."
    )
    expect(panel).to_contain_text("Già nell'allineamento, non suggeriti di nuovo")
    aligned = panel.locator(".ponte-sdg-aligned")
    for code in ("11.2", "11.3"):  # the goal's targets, ticked, and not removed from here
        expect(aligned.get_by_role("checkbox", name=f"SDG {code} ")).to_be_checked()
        expect(aligned.get_by_role("checkbox", name=f"SDG {code} ")).to_be_disabled()
    expect(panel.locator(".ponte-sdg-card")).to_have_count(2)  # 7 and 4 still to assess
    panel.locator(".ponte-sdg-card").filter(
        has=page.get_by_role("heading", name="SDG 7 · Energia pulita e accessibile")
    ).get_by_role("button", name="Rifiuta").click()
    expect(page.locator(".ponte-messages")).to_contain_text(
        "Azione 3.1.2 Mobilità ed energia: SDG 7 · Energia pulita e accessibile rifiutato, "
        "non sarà più suggerito per questo testo."
    )
    expect(panel.locator(".ponte-sdg-card")).to_have_count(1)
    panel.get_by_text("Decisioni prese (2)").click()
    expect(panel).to_contain_text("SDG 11 · Città e comunità sostenibili: accettato (target 11.2, 11.3) · Giulia Rossi")
    expect(panel).to_contain_text("SDG 7 · Energia pulita e accessibile: rifiutato · Giulia Rossi")
    expect(page.locator("main")).to_contain_text("11.3 Urbanizzazione inclusiva")  # in the action's alignment
    snap(page, f"decided-{width}")

    assert set(action.alignments.values_list("code", flat=True)) == {"11.2", "11.3"}  # they imply SDG 11
    accepted, rejected = decided(action, 11), decided(action, 7)
    assert (accepted.state, accepted.decided_by, accepted.accepted_targets) == ("accepted", owner, ["11.2", "11.3"])
    assert (rejected.state, rejected.decided_by) == ("rejected", owner)
    assert (timezone.now() - accepted.decided_at).total_seconds() < 120


@pytest.mark.parametrize("width", ["desktop", "mobile"])
def test_a_funds_officer_runs_suggestions_in_bulk_and_assesses_them(
    visit, city, sdg_axis, users, fake_classifier, width
):
    project = ProjectFactory(programme__city=city, title="Tram Linea Rossa", description=TRAM, origin="pnrr")
    call = CallFactory(city=city, title="Energy communities", description="Solar panels for citizens.", source="ft")
    page = visit(f"/{city.slug}/gestione/", user=users["funds"], width=width)
    if width == "mobile":
        page.get_by_text("Menu", exact=True).click()
    page.get_by_role("link", name="Suggerimenti SDG in blocco").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Suggerimenti SDG in blocco")
    page.get_by_text("Progetti e bandi importati").click()
    snap(page, f"bulk-form-{width}")
    page.get_by_role("button", name="Suggerisci obiettivi").click()

    state = page.locator("#sdg-job-state")
    expect(state).to_contain_text("Conclusa")
    expect(state).to_contain_text("2 voci senza decisioni. 2 testi letti: 2 obiettivi suggeriti.")
    snap(page, f"bulk-done-{width}")
    assert SuggestionJob.objects.get().status == "done"

    state.get_by_role("link", name="Valuta i suggerimenti").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Suggerimenti da valutare")
    page.get_by_label("Tipo").select_option(label="Bandi")
    page.get_by_role("button", name="Filtra").click()
    expect(page.locator("main")).to_contain_text("1 obiettivo da valutare")
    expect(page.locator("main")).not_to_contain_text(str(project))
    snap(page, f"review-list-{width}")
    page.get_by_role("button", name="Accetta").click()
    expect(page.locator(".ponte-messages")).to_contain_text(
        f"Bando {call}: SDG 7 · Energia pulita e accessibile aggiunto all'allineamento, con il target 7.2."
    )  # which of the list's items: named
    expect(page.locator("main")).to_contain_text("Niente da valutare.")
    # Only the target the model is confident of was ticked: 7.2 (0.9), not 7.1 (0.8).
    assert set(call.alignments.values_list("code", flat=True)) == {"7.2"}
    assert decided(call, 7).decided_by == users["funds"]


@pytest.mark.parametrize("width", ["desktop", "mobile"])
def test_an_action_aligned_to_targets_is_not_offered_their_goals_and_the_panel_fills_in_by_itself(
    visit, city, sdg_axis, users, fake_classifier, monkeypatch, width
):
    """The probe's action 1.1.1: aligned to 16.7 and 17.17, it was offered SDG 16 and 17 again,
    with wrong targets ticked; and a new item's page waited seconds for the model."""
    action = ActionFactory(
        line=LineFactory(city=city), code="1.1.1", title="Incontri in Europa", description=f"{TRAM} {SOLAR}"
    )
    action.alignments.add(*AxisItem.objects.filter(axis__slug="sdg", code__in=["11.7", "16.7"]))
    queued = []
    monkeypatch.setattr(tasks, "compute_suggestions_task", SimpleNamespace(enqueue=lambda *a: queued.append(a)))
    page = visit(action.get_absolute_url(), user=users["owner"], width=width)

    panel = page.locator("#sdg-suggestions")
    expect(panel.locator("[data-sdg-computing]")).to_contain_text("Suggerimenti in calcolo…")
    snap(page, f"computing-{width}")
    assert len(queued) == 1 and fake_classifier == []  # the page did not wait for the model
    suggestions.compute_queued(*queued[0])  # the worker
    # The panel asks again by itself and fills in, without a reload.
    expect(page.locator("#sdg-suggestions .ponte-sdg-card")).to_have_count(2, timeout=15_000)
    expect(page.locator("#sdg-suggestions-ready")).to_have_text("I suggerimenti sono pronti.")
    panel = page.locator("#sdg-suggestions")
    aligned = panel.locator(".ponte-sdg-aligned")
    expect(aligned).to_contain_text("SDG 11 · Città e comunità sostenibili")
    expect(aligned).to_contain_text("SDG 16 · Pace, giustizia e istituzioni solide")
    for code in ("11.7", "16.7"):
        expect(aligned.get_by_role("checkbox", name=f"SDG {code} ")).to_be_checked()
        expect(aligned.get_by_role("checkbox", name=f"SDG {code} ")).to_be_disabled()
    expect(panel.get_by_role("heading", name="SDG 11 · Città e comunità sostenibili")).to_have_count(0)
    solar = panel.locator(".ponte-sdg-card").filter(has=page.get_by_role("heading", name="SDG 7 · Energia pulita"))
    schools = panel.locator(".ponte-sdg-card").filter(has=page.get_by_role("heading", name="SDG 4 · Istruzione"))
    # Nothing ticked unless the model is confident (0.9): 7.2 at 0.7 and 4.1 at 0.5 are not.
    expect(solar.get_by_role("checkbox", name="SDG 7.2 ")).not_to_be_checked()
    expect(solar.get_by_role("checkbox", checked=True)).to_have_count(0)
    expect(schools.get_by_role("checkbox", checked=True)).to_have_count(0)
    snap(page, f"aligned-targets-{width}")

    schools.get_by_role("button", name="Accetta").click()
    expect(page.locator(".ponte-messages")).to_contain_text(
        "Azione 1.1.1 Incontri in Europa: SDG 4 · Istruzione di qualità aggiunto all'allineamento, senza target."
    )
    assert set(action.alignments.values_list("code", flat=True)) == {"11.7", "16.7", "4"}
    page.goto(f"{page.url.split('/gestione/')[0]}/gestione/suggerimenti-sdg/")
    expect(page.locator("main")).to_contain_text("1 obiettivo da valutare")  # SDG 7 alone; never 11
    expect(page.get_by_role("heading", name="SDG 11 · Città e comunità sostenibili")).to_have_count(0)
    snap(page, f"aligned-review-list-{width}")


def test_a_running_job_is_followed_until_it_ends_without_scripts(visit, city, users):
    job = SuggestionJob.objects.create(city=city, kind="imported", status="running", total=8, done=2)
    page = visit(f"/{city.slug}/gestione/suggerimenti-sdg/in-blocco/{job.pk}/", user=users["funds"], width="mobile")
    expect(page.locator("#sdg-job-state")).to_contain_text("2 di 8 testi letti · 25%")
    expect(page.locator("progress")).to_have_attribute("value", "25")
    snap(page, "bulk-running-mobile")
    SuggestionJob.objects.filter(pk=job.pk).update(
        status="done", done=8, suggested=5, message="8 voci senza decisioni. 8 testi letti: 5 obiettivi suggeriti."
    )
    expect(page.locator("#sdg-job-state")).to_contain_text("5 obiettivi suggeriti")  # the page reloaded itself
    expect(page.locator("progress")).to_have_count(0)
