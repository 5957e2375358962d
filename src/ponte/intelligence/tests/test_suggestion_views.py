"""The suggestions on the staff pages: the panel of an action, an indicator, a project and a
call, the decisions posted from it and from the review list, and the bulk runs — for the roles
that may edit each object, and refused to the others."""

import re
from types import SimpleNamespace

import pytest
from django.contrib.contenttypes.models import ContentType

from ponte.core.models import Membership
from ponte.factories import ActionFactory, CityFactory, IndicatorFactory, LineFactory, MembershipFactory
from ponte.funding.tests.factories import CallFactory, ProjectFactory
from ponte.intelligence import suggestions, tasks
from ponte.intelligence.models import SDGSuggestion, SuggestedText, SuggestionJob
from ponte.plan.models import AxisItem

TRAM = "Nuove linee del tram: la linea rossa collega Borgo Panigale al centro con trasporto pubblico sostenibile."
SOLAR = "Comunità energetiche con pannelli solari sui tetti delle scuole."


@pytest.fixture
def action(city, sdg_axis, office):
    return ActionFactory(line=LineFactory(city=city), title="Linee nuove", description=TRAM, owner_office=office)


def suggestion_of(obj, goal):
    content_type = ContentType.objects.get_for_model(obj)
    return SDGSuggestion.objects.get(content_type=content_type, object_id=obj.pk, goal=goal)


def test_the_action_page_suggests_goals_with_targets_and_passages(client, action, users, fake_classifier):
    client.force_login(users["owner"])
    html = client.get(action.get_absolute_url()).content.decode()
    assert "Obiettivi di sviluppo sostenibile suggeriti" in html
    assert "SDG 11 · Città e comunità sostenibili" in html
    # An Italian text: the embeddings-only path, about half right when measured, says so.
    assert "probabile · punteggio del modello 90/100" in html.lower() and "molto probabile" not in html.lower()
    assert "Suggerimenti per testi in italiano: meno affidabili (precisione misurata circa 50%)" in html
    assert "<mark>tram</mark>" in html
    # Ticked only when the classifier is confident of the target (11.2: 0.9), not 11.6 (0.8).
    assert re.search(r'name="targets" value="11\.2" id="sdg-[0-9-]+" checked>', html)
    assert re.search(r'name="targets" value="11\.6" id="sdg-[0-9-]+">', html)
    assert "11.2 · " in html  # the target by its name, not its code alone
    assert len(fake_classifier) == 1
    client.get(action.get_absolute_url())
    assert len(fake_classifier) == 1  # computed once for this text


def test_a_viewer_sees_no_panel_and_computes_nothing(client, action, users, fake_classifier):
    client.force_login(users["viewer"])
    html = client.get(action.get_absolute_url()).content.decode()
    assert "Obiettivi di sviluppo sostenibile suggeriti" not in html
    assert fake_classifier == []


@pytest.mark.parametrize(
    ("make", "role"),
    [
        (lambda city: IndicatorFactory(action__line__city=city, name="Passeggeri del tram", description=TRAM), "owner"),
        (lambda city: ProjectFactory(programme__city=city, title="Tram", description=TRAM), "funds"),
        (lambda city: CallFactory(city=city, title="Urban mobility", description="New tram lines."), "funds"),
    ],
    ids=["indicator", "project", "call"],
)
def test_every_kind_shows_its_panel_to_who_edits_it(client, city, sdg_axis, users, fake_classifier, make, role):
    obj = make(city)
    client.force_login(users[role])
    html = client.get(obj.get_absolute_url()).content.decode()
    assert "SDG 11 · Città e comunità sostenibili" in html
    response = client.post(
        f"/{city.slug}/gestione/suggerimenti-sdg/{suggestion_of(obj, 11).pk}/accetta/",
        {"targets": ["11.2"]},
        follow=True,
    )
    assert f"{obj._meta.verbose_name.capitalize()} " in response.content.decode()  # the item, named
    assert "aggiunto all&#x27;allineamento" in response.content.decode()
    assert set(obj.alignments.values_list("code", flat=True)) == {"11.2"}  # the target implies 11


def test_accepting_and_rejecting_from_the_page(client, city, sdg_axis, users, fake_classifier):
    action = ActionFactory(line=LineFactory(city=city), description=f"{TRAM} {SOLAR}")
    client.force_login(users["owner"])
    client.get(action.get_absolute_url())
    tram, solar = suggestion_of(action, 11), suggestion_of(action, 7)

    response = client.post(
        f"/{city.slug}/gestione/suggerimenti-sdg/{tram.pk}/accetta/",
        {"targets": ["11.2", "11.3"], "next": f"{action.get_absolute_url()}#sdg-suggestions"},
    )
    assert response.status_code == 302 and response["Location"].endswith("#sdg-suggestions")
    response = client.post(f"/{city.slug}/gestione/suggerimenti-sdg/{solar.pk}/rifiuta/", follow=True)
    html = response.content.decode()
    assert "non sarà più suggerito per questo testo" in html
    assert "SDG 11 · Città e comunità sostenibili" in html  # now among the aligned goals
    assert re.search(r'id="sdg-aligned-\d+" checked disabled><label for="sdg-aligned-\d+">SDG 11\.2 · ', html)
    assert set(action.alignments.values_list("code", flat=True)) == {"11.2", "11.3"}
    solar.refresh_from_db()
    assert (solar.state, solar.decided_by) == ("rejected", users["owner"])


def test_deciding_is_refused_to_who_may_not_edit_the_object(client, city, action, users, other_office, fake_classifier):
    suggestions.compute(action)
    url = f"/{city.slug}/gestione/suggerimenti-sdg/{suggestion_of(action, 11).pk}/accetta/"
    for role in ("viewer", "diplomacy"):  # not admitted to the page at all
        client.force_login(users[role])
        assert client.post(url, {"targets": ["11.2"]}).status_code == 403
    client.force_login(users["funds"])  # admitted to the review list, not to the plan's actions
    assert client.post(url, {"targets": ["11.2"]}).status_code == 403
    other_editor = MembershipFactory(city=city, role=Membership.Role.OFFICE_EDITOR, office=other_office).user
    client.force_login(other_editor)
    assert client.post(url).status_code == 403
    assert not action.alignments.exists()

    client.force_login(users["editor"])  # the action's own office
    assert client.post(url, {"targets": []}).status_code == 302
    assert set(action.alignments.values_list("code", flat=True)) == {"11"}


def test_another_citys_staff_cannot_reach_a_suggestion(client, city, action, fake_classifier):
    suggestions.compute(action)
    elsewhere = CityFactory()
    admin = MembershipFactory(city=elsewhere, role=Membership.Role.ADMINISTRATOR).user
    client.force_login(admin)
    pk = suggestion_of(action, 11).pk
    assert client.post(f"/{city.slug}/gestione/suggerimenti-sdg/{pk}/accetta/").status_code == 403
    assert client.post(f"/{elsewhere.slug}/gestione/suggerimenti-sdg/{pk}/accetta/").status_code == 404
    assert not action.alignments.exists()


def test_a_changed_text_offers_to_recompute(client, city, action, users, fake_classifier):
    client.force_login(users["owner"])
    client.get(action.get_absolute_url())
    action.description = SOLAR
    action.save()
    html = client.get(action.get_absolute_url()).content.decode()
    assert "Il testo è cambiato" in html and "Ricalcola" in html
    assert len(fake_classifier) == 1  # not recomputed by itself
    response = client.post(f"/{city.slug}/gestione/suggerimenti-sdg/azione/{action.pk}/ricalcola/", follow=True)
    html = response.content.decode()
    assert "SDG 7 · Energia pulita e accessibile" in html
    assert "Il testo è cambiato" not in html
    assert SuggestedText.objects.get(object_id=action.pk).text_hash == suggestion_of(action, 7).text_hash
    assert client.post(f"/{city.slug}/gestione/suggerimenti-sdg/nulla/{action.pk}/ricalcola/").status_code == 404


def test_the_review_list_filters_by_kind_and_shows_what_each_role_decides(client, city, action, users, fake_classifier):
    project = ProjectFactory(programme__city=city, title="Tram per tutti", description=TRAM)
    suggestions.compute_many([action, project])
    url = f"/{city.slug}/gestione/suggerimenti-sdg/"
    client.force_login(users["owner"])
    html = client.get(url).content.decode()
    assert "Suggerimenti da valutare" in html and "Linee nuove" in html and str(project) in html
    assert "meno affidabili (precisione misurata circa 50%)" in html  # Italian texts
    html = client.get(url, {"tipo": "progetto"}).content.decode()
    assert str(project) in html and "Linee nuove" not in html
    client.force_login(users["funds"])
    html = client.get(url).content.decode()
    assert str(project) in html and "Linee nuove" not in html
    client.force_login(users["editor"])
    html = client.get(url).content.decode()
    assert "Linee nuove" in html and str(project) not in html
    client.force_login(users["viewer"])
    assert client.get(url).status_code == 403


def test_the_bulk_page_starts_a_run_and_its_page_shows_the_summary(
    client, city, sdg_axis, users, fake_classifier, django_capture_on_commit_callbacks
):
    ProjectFactory(programme__city=city, description=TRAM, origin="opencoesione")
    client.force_login(users["funds"])
    url = f"/{city.slug}/gestione/suggerimenti-sdg/in-blocco/"
    html = client.get(url).content.decode()
    assert "Progetti e bandi importati" in html and "Tutte le azioni" not in html  # the plan's are not theirs
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"what": "imported"})
    job = SuggestionJob.objects.get()
    assert response["Location"] == f"{url}{job.pk}/"
    html = client.get(response["Location"]).content.decode()
    assert "Conclusa" in html and 'http-equiv="refresh"' not in html
    assert "1 testo letto: 1 obiettivo suggerito." in html


def test_a_running_job_shows_its_progress_and_reloads_itself(client, city, users):
    job = SuggestionJob.objects.create(city=city, kind="imported", status="running", total=8, done=2)
    client.force_login(users["funds"])
    html = client.get(f"/{city.slug}/gestione/suggerimenti-sdg/in-blocco/{job.pk}/").content.decode()
    assert 'http-equiv="refresh"' in html
    assert "2 di 8 testi letti" in html and 'value="25"' in html


def test_a_job_with_no_suggestion_warns_why(client, city, sdg_axis, users, fake_classifier):
    job = suggestions.run_bulk(SuggestionJob.objects.create(city=city, kind="calls", created_by=users["funds"]))
    client.force_login(users["funds"])
    html = client.get(f"/{city.slug}/gestione/suggerimenti-sdg/in-blocco/{job.pk}/").content.decode()
    assert "alert-warning" in html and "Conclusa, senza suggerimenti" in html
    assert "senza una decisione" in html


def test_an_english_text_keeps_the_measured_words_and_no_warning(client, city, sdg_axis, users, fake_classifier):
    action = ActionFactory(
        line=LineFactory(city=city),
        title="New tram lines",
        description="The red tram line links the west to the centre.",
    )
    client.force_login(users["owner"])
    html = client.get(action.get_absolute_url()).content.decode()
    assert "molto probabile · 90%" in html.lower()
    assert "meno affidabili" not in html and "punteggio del modello" not in html


def test_after_an_edit_the_passages_are_those_stored_not_the_new_texts(client, city, action, users, fake_classifier):
    client.force_login(users["owner"])
    client.get(action.get_absolute_url())
    action.description = "Il tram resta; cambia solo questa frase sulle fermate del tram in periferia."
    action.save()
    html = client.get(action.get_absolute_url()).content.decode()
    assert "Calcolato su una versione precedente del testo" in html and "Nel testo precedente" in html
    panel = html.split('id="sdg-suggestions"')[1].split("</section>")[0]
    assert "<li><mark>tram</mark></li>" in panel  # the stored passage, alone
    assert "fermate del" not in panel and "resta;" not in panel  # not the new text around it


def test_a_goal_aligned_through_a_target_is_shown_as_aligned_and_not_offered(
    client, city, action, users, fake_classifier
):
    """Action 1.1.1 of the probe: aligned to 16.7 and 17.17, it was offered SDG 16 and 17 again."""
    suggestions.compute(action)  # SDG 11 pending, then aligned from the action's form to 11.7
    action.alignments.add(AxisItem.objects.get(axis__slug="sdg", code="11.7"))
    client.force_login(users["owner"])
    html = client.get(action.get_absolute_url()).content.decode()
    panel = html[html.index('id="sdg-suggestions"') :]
    assert "allineamento, non suggeriti di nuovo" in panel
    assert "SDG 11 · Città e comunità sostenibili" in panel
    assert re.search(r'checked disabled><label for="sdg-aligned-\d+">SDG 11\.7 · ', panel)
    assert "Accetta<span" not in panel and 'name="targets"' not in panel  # nothing to accept
    html = client.get(f"/{city.slug}/gestione/suggerimenti-sdg/").content.decode()
    assert "Linee nuove" not in html and "0 obiettivi da valutare" in html


def test_the_panel_queues_its_suggestions_and_shows_them_once_computed(
    client, city, action, users, fake_classifier, monkeypatch
):
    """Opening a page never waits for the model: the worker computes, the page says so."""
    queued = []
    monkeypatch.setattr(tasks, "compute_suggestions_task", SimpleNamespace(enqueue=lambda *args: queued.append(args)))
    client.force_login(users["owner"])
    html = client.get(action.get_absolute_url()).content.decode()
    assert "Suggerimenti in calcolo…" in html and "data-sdg-computing" in html
    assert "ponte/sdg-suggestions.js" in html  # follows them without a reload
    assert fake_classifier == [] and len(queued) == 1
    client.get(action.get_absolute_url())
    assert len(queued) == 1  # queued once per text

    assert suggestions.compute_queued(*queued[0]) == "done"  # the worker
    html = client.get(action.get_absolute_url()).content.decode()
    assert "Suggerimenti in calcolo" not in html and "SDG 11 · Città e comunità sostenibili" in html
    assert suggestions.compute_queued(*queued[0]) == "up to date"  # a second queued run reads nothing
    assert len(fake_classifier) == 1


def test_a_queued_computation_that_fails_says_so_and_offers_to_try_again(client, city, action, users, monkeypatch):
    def broken(texts, langs=None, **kwargs):
        raise RuntimeError("no model")

    monkeypatch.setattr(suggestions.sdg, "suggest_many", broken)
    client.force_login(users["owner"])
    html = client.get(action.get_absolute_url()).content.decode()  # the immediate backend runs it
    assert "Non è stato possibile calcolare i suggerimenti ora" in html and "Ricalcola" in html
    assert "Suggerimenti in calcolo" not in html
