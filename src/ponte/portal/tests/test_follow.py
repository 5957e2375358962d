"""Following an action, a project or a theme (issue 15): double opt-in, the same answer whoever
the address is, one-click unsubscribe, and one mail per confirmed follower per public change,
sent once even when the worker's task runs twice."""

import datetime
import re
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.utils import timezone

from ponte.core.models import Membership, Publication
from ponte.factories import IndicatorFactory, MembershipFactory
from ponte.funding import services as funding
from ponte.funding.tests.factories import ProgrammeFactory, ProjectFactory
from ponte.plan import services as plan
from ponte.portal import follow
from ponte.portal.models import Change, Follower, Notice

ADDRESS = "cittadina@example.org"


@pytest.fixture(autouse=True)
def _no_rate_limit_left_over():
    cache.clear()


@pytest.fixture
def owner(city):
    return MembershipFactory(city=city, role=Membership.Role.PLAN_OWNER).user


@pytest.fixture
def project(city, action):
    project = ProjectFactory(programme=ProgrammeFactory(city=city), status="granted", title="Ponti verdi")
    project.actions.add(action)
    return project


def follow_url(city, kind, key):
    return f"/{city.slug}/segui/{kind}/{key}/"


def ask_to_follow(client, city, kind="azione", key="1.1.1", email=ADDRESS, consent="on"):
    data = {"follow-email": email, "follow-website": ""}
    if consent:
        data["follow-consent"] = consent
    return client.post(follow_url(city, kind, key), data, follow=True)


def link_in(message, name):
    return re.search(rf"https?://\S+/segui/{name}/[0-9a-f-]+/", message.body).group(0)


def confirmed(city, thing, email=ADDRESS):
    return follow.follow(city=city, thing=thing, email=email, language="it", consent_text="sì") and follow.confirm(
        city=city, token=Follower.objects.get(email=email, **{follow.KINDS[follow.kind_of(thing)]: thing}).token
    )


def test_the_action_page_offers_to_follow_it(client, city, action):
    page = client.get(action.get_public_url())
    assert b'id="segui"' in page.content and follow_url(city, "azione", "1.1.1").encode() in page.content
    assert "Segui questa azione" in page.content.decode()


def test_double_opt_in_then_one_click_unsubscribe(client, city, action, mailoutbox):
    page = ask_to_follow(client, city)
    assert "Ti abbiamo inviato un&#x27;e-mail per confermare" in page.content.decode()
    follower = Follower.objects.get()
    assert follower.status == "pending" and follower.action == action and follower.consent_text
    assert follower.consent_at and follower.language == "it"
    [confirmation] = mailoutbox
    assert confirmation.to == [ADDRESS] and "1.1.1" in confirmation.subject

    assert client.get(link_in(confirmation, "conferma")).status_code == 200
    follower.refresh_from_db()
    assert follower.status == "active" and follower.confirmed_at

    unsubscribe = link_in(confirmation, "conferma").replace("conferma", "annulla")
    # The mail client's one-click POST (RFC 8058): no cookie, no CSRF token.
    response = client.post(unsubscribe, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 204
    follower.refresh_from_db()
    assert follower.status == "unsubscribed" and follower.unsubscribed_at


def test_following_again_does_not_say_whether_the_address_follows(client, city, action, mailoutbox):
    first = ask_to_follow(client, city).content.decode()
    follow.confirm(city=city, token=Follower.objects.get().token)
    again = ask_to_follow(client, city).content.decode()
    message = "Ti abbiamo inviato un&#x27;e-mail per confermare"
    assert message in first and message in again
    assert Follower.objects.count() == 1 and Follower.objects.get().status == "active"
    assert len(mailoutbox) == 2 and "List-Unsubscribe" in mailoutbox[1].extra_headers


def test_a_pending_follower_following_again_gets_the_link_again(client, city, action, mailoutbox):
    ask_to_follow(client, city)
    ask_to_follow(client, city, email=ADDRESS.upper())
    assert Follower.objects.count() == 1 and len(mailoutbox) == 2
    assert link_in(mailoutbox[0], "conferma") == link_in(mailoutbox[1], "conferma")


@pytest.mark.parametrize(
    "email, consent, field, message",
    [
        ("", "on", "follow-email", "Inserisci l&#x27;indirizzo e-mail a cui scriverti."),
        ("non-un-indirizzo", "on", "follow-email", "Inserisci un indirizzo email valido."),
        (ADDRESS, "", "follow-consent", "Spunta il consenso"),
    ],
)
def test_bad_input_names_the_field_and_stores_nothing(client, city, action, mailoutbox, email, consent, field, message):
    page = ask_to_follow(client, city, email=email, consent=consent)
    text = page.content.decode()
    assert page.status_code == 200 and message in text
    # The message stands under the field it is about, which points at it.
    assert f'id="id_{field}_errors"' in text and f'aria-describedby="id_{field}_errors" aria-invalid="true"' in text
    assert not Follower.objects.exists() and not mailoutbox


def test_only_public_things_can_be_followed(client, city, action):
    action.publication = Publication.DRAFT
    action.save()
    assert ask_to_follow(client, city).status_code == 404
    assert client.get(follow_url(city, "progetto", "abc")).status_code == 404
    assert client.get(follow_url(city, "altro", "1")).status_code == 404
    assert not Follower.objects.exists()


def test_a_confirmation_link_expires(client, city, action):
    ask_to_follow(client, city)
    Follower.objects.update(confirmation_sent_at=timezone.now() - datetime.timedelta(hours=49))
    assert follow.confirm(city=city, token=Follower.objects.get().token)[1] == "expired"


def test_only_confirmed_followers_are_mailed_a_change_once(
    city, action, owner, mailoutbox, django_capture_on_commit_callbacks
):
    confirmed(city, action)
    follow.follow(city=city, thing=action, email="in-attesa@example.org", language="it", consent_text="sì")
    confirmed(city, action, email="uscita@example.org")
    follow.unfollow(city=city, token=Follower.objects.get(email="uscita@example.org").token)
    mailoutbox.clear()

    action.status, action.progress = "completed", 100
    with django_capture_on_commit_callbacks(execute=True):
        plan.action_save(action=action, user=owner)
    [notice] = mailoutbox
    assert notice.to == [ADDRESS]
    assert (
        "Stato: Non avviata → Conclusa" in notice.body
        and "100" in notice.body
        and "/piano/azioni/1.1.1/" in notice.body
    )
    unsubscribe = notice.extra_headers["List-Unsubscribe"]
    assert "/segui/annulla/" in unsubscribe and notice.extra_headers["List-Unsubscribe-Post"]
    change = Change.objects.get()
    # The worker's task runs twice (two workers, a resumed run): nothing leaves a second time.
    follow.send_change_task.call(change.pk)
    follow.send_change(change)
    assert len(mailoutbox) == 1 and Notice.objects.get().status == "sent"


def test_one_mail_per_address_and_change_for_the_action_and_its_theme(
    city, action, owner, mailoutbox, django_capture_on_commit_callbacks
):
    theme = action.line.macro_area
    confirmed(city, action)
    confirmed(city, theme)
    confirmed(city, theme, email="tema@example.org")
    mailoutbox.clear()
    action.status, action.end_date, action.title = "delayed", datetime.date(2027, 3, 1), "Nuovo titolo"
    with django_capture_on_commit_callbacks(execute=True):
        plan.action_save(action=action, user=owner)
    assert sorted(m.to[0] for m in mailoutbox) == [ADDRESS, "tema@example.org"]  # one each, all fields in it
    theme_mail = next(m for m in mailoutbox if m.to == ["tema@example.org"])
    assert "Nuovo titolo" in theme_mail.body and "In ritardo" in theme_mail.body and "tema" in theme_mail.body


def test_updates_and_measured_values_are_mailed(city, action, owner, mailoutbox, django_capture_on_commit_callbacks):
    confirmed(city, action)
    indicator = IndicatorFactory(action=action, name="Scuole coinvolte")
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        plan.update_record(action=action, user=owner, year=2026, period=1, text="Avviati i <b>laboratori</b>.")
        plan.indicator_value_record(
            indicator=indicator, user=owner, reference_date=datetime.date(2026, 6, 30), value=Decimal("12")
        )
        # Recording the same value again is no change.
        plan.indicator_value_record(
            indicator=indicator, user=owner, reference_date=datetime.date(2026, 6, 30), value=Decimal("12")
        )
    update, value = mailoutbox
    assert "Avviati i laboratori." in update.body and "<b>" not in update.body
    assert "Scuole coinvolte" in value.body and "12" in value.body and "30 giugno 2026" in value.body


def test_unpublished_changes_are_not_mailed(city, action, owner, mailoutbox, django_capture_on_commit_callbacks):
    confirmed(city, action)
    mailoutbox.clear()
    action.publication = Publication.DRAFT
    action.save()
    action.status = "completed"
    with django_capture_on_commit_callbacks(execute=True):
        plan.action_save(action=action, user=owner)
        plan.update_record(action=action, user=owner, year=2026, period=1, text="Bozza")
    indicator = IndicatorFactory(action=action, publication=Publication.DRAFT)
    with django_capture_on_commit_callbacks(execute=True):
        plan.indicator_value_record(
            indicator=indicator, user=owner, reference_date=datetime.date(2026, 6, 30), value=Decimal("1")
        )
    assert not mailoutbox and not Change.objects.exists()


def test_a_project_step_and_its_published_details_are_mailed(
    city, project, owner, mailoutbox, django_capture_on_commit_callbacks
):
    confirmed(city, project)
    confirmed(city, project.actions.get().line.macro_area, email="tema@example.org")
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        funding.project_transition(project=project, to_status="running", user=owner, date=datetime.date(2026, 3, 2))
    assert sorted(m.to[0] for m in mailoutbox) == [ADDRESS, "tema@example.org"]
    assert "Stato: Finanziata → In corso (2 marzo 2026)" in mailoutbox[0].body
    mailoutbox.clear()
    project.refresh_from_db()
    project.place = "Quartiere Navile"
    with django_capture_on_commit_callbacks(execute=True):
        funding.project_save(project=project, user=owner)
    assert len(mailoutbox) == 2 and "Quartiere Navile" in mailoutbox[0].body


def test_a_stalled_change_is_resumed_by_resume_mail(city, action, owner, mailoutbox, settings):
    confirmed(city, action)
    mailoutbox.clear()
    action.status = "in_progress"
    plan.action_save(action=action, user=owner)  # committed callbacks not run: the worker never took it
    Change.objects.update(created_at=timezone.now() - datetime.timedelta(hours=1))
    assert follow.resumable_changes().count() == 1
    call_command("resume_mail", stdout=open("/dev/null", "w"))  # noqa: SIM115
    follow.send_change(Change.objects.get())
    assert len(mailoutbox) == 1 and not follow.resumable_changes().exists()


def test_staff_see_how_many_follow_never_who(client, city, action, users):
    confirmed(city, action)
    follow.follow(city=city, thing=action, email="in-attesa@example.org", language="it", consent_text="sì")
    client.force_login(users["events"])
    page = client.get(f"/{city.slug}/gestione/seguiti/").content.decode()
    assert "1.1.1" in page and ADDRESS not in page and "in-attesa" not in page
    assert re.search(r"1\.1\.1[^<]*</td><td class=\"text-end\">1</td>", page)
    client.force_login(users["viewer"])
    assert client.get(f"/{city.slug}/gestione/seguiti/").status_code == 403


def test_the_pages_of_a_link_do_not_offer_the_rating_that_would_keep_their_address(client, city, action):
    follow.follow(city=city, thing=action, email=ADDRESS, language="it", consent_text="sì")
    token = Follower.objects.get().token
    for path in (f"/{city.slug}/segui/conferma/{token}/", f"/{city.slug}/segui/annulla/{token}/"):
        assert 'id="valuta"' not in client.get(path).content.decode()


def test_the_semester_workbook_mails_its_changes(city, action, owner, mailoutbox, django_capture_on_commit_callbacks):
    from ponte.plan.spreadsheets import WorkbookImport
    from ponte.plan.tests.test_workbook import workbook_bytes

    confirmed(city, action)
    IndicatorFactory(action=action, code="IND-A", name="Gemellaggi attivi")
    mailoutbox.clear()
    line = action.line.code
    workbook = workbook_bytes(
        actions=[["1.1.1", line, action.title, "in_progress", 40, None, None, "ufficio-a", 1]],
        values=[["IND-A", datetime.date(2026, 6, 30), 3, "", ""]],
    )
    with django_capture_on_commit_callbacks(execute=True):
        WorkbookImport(city=city, user=owner, file=workbook).run()
    status, value = mailoutbox
    assert "Stato: Non avviata → In corso" in status.body and "Avanzamento (%): 0 → 40" in status.body
    assert "Gemellaggi attivi" in value.body


def test_requests_never_confirmed_are_forgotten(city, action):
    follow.follow(city=city, thing=action, email=ADDRESS, language="it", consent_text="sì")
    confirmed(city, action, email="confermata@example.org")
    Follower.objects.update(confirmation_sent_at=timezone.now() - datetime.timedelta(hours=49))
    call_command("resume_mail", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert list(Follower.objects.values_list("email", flat=True)) == ["confermata@example.org"]


def test_a_follower_who_asked_in_english_is_written_to_in_english(
    city, action, owner, mailoutbox, django_capture_on_commit_callbacks
):
    follow.follow(city=city, thing=action, email=ADDRESS, language="en", consent_text="yes")
    assert mailoutbox[0].subject.startswith("Confirm that you want to follow")
    follow.confirm(city=city, token=Follower.objects.get().token)
    action.status = "in_progress"
    with django_capture_on_commit_callbacks(execute=True):
        plan.action_save(action=action, user=owner)
    assert "Status: Not started → In progress" in mailoutbox[1].body
