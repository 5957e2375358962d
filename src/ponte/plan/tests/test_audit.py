"""Every change to plan data keeps who, when and old → new, visible on the item's page."""

from auditlog.models import LogEntry

from ponte.factories import IndicatorFactory


def test_editing_an_action_is_audited_with_actor_and_values(client, users, action, city):
    client.force_login(users["editor"])
    client.post(
        f"/{city.slug}/gestione/azioni/{action.code}/modifica/",
        {"title": action.title, "status": "delayed", "progress": "35", "weight": "1"},
    )
    entry = LogEntry.objects.get_for_object(action).filter(action=LogEntry.Action.UPDATE).latest("timestamp")
    assert entry.actor == users["editor"]
    assert entry.changes_dict["progress"] == ["0", "35"]
    assert entry.changes_dict["status"] == ["not_started", "delayed"]

    page = client.get(f"/{city.slug}/gestione/azioni/{action.code}/").content.decode()
    assert users["editor"].username in page
    assert "0 → 35" in page


def test_recording_an_indicator_value_is_audited(client, users, action, city):
    indicator = IndicatorFactory(action=action)
    client.force_login(users["owner"])
    client.post(
        f"/{city.slug}/gestione/indicatori/{indicator.pk}/valori/", {"reference_date": "2025-06-30", "value": "12.5"}
    )
    value = indicator.values.get()
    entry = LogEntry.objects.get_for_object(value).get()
    assert entry.actor == users["owner"] and entry.action == LogEntry.Action.CREATE


def test_partner_changes_are_audited(client, users, action, city, other_office):
    client.force_login(users["owner"])
    client.post(
        f"/{city.slug}/gestione/azioni/{action.code}/modifica/",
        {"title": action.title, "status": "in_progress", "progress": "0", "weight": "1", "partners": [other_office.pk]},
    )
    assert list(action.partners.all()) == [other_office]
    m2m = LogEntry.objects.get_for_object(action).filter(changes__icontains="partners")
    assert m2m.exists()


def test_action_history_includes_its_milestones_and_updates(client, users, action, city):
    client.force_login(users["editor"])
    client.post(
        f"/{city.slug}/gestione/azioni/{action.code}/traguardi/",
        {"title": "Primo incontro", "due_date": "2025-03-31", "weight": "1"},
    )
    client.post(
        f"/{city.slug}/gestione/azioni/{action.code}/aggiornamenti/semestrale/2025/1/",
        {"status": "in_progress", "progress": 5, "text": "Avviato."},
    )
    page = client.get(f"/{city.slug}/gestione/azioni/{action.code}/")
    described = " ".join(f"{e.content_type.model}:{e.object_repr}" for e in page.context["history"])
    assert "milestone:Primo incontro" in described
    # The change history names the update as people read it, never its stored period code.
    assert f"actionupdate:{action.code} · 1º semestre 2025" in described
    assert "2025-S1" not in page.content.decode()
    children = [e for e in page.context["history"] if e.content_type.model in ("milestone", "actionupdate")]
    assert len(children) == 2 and all(e.actor == users["editor"] for e in children)
