"""Comments with @mentions on an action, a project, an indicator and a meeting (issue 17)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ponte.collaboration.mentions import mentioned_names
from ponte.collaboration.models import Comment, Notification
from ponte.core.models import Membership
from ponte.factories import CityFactory, IndicatorFactory, MembershipFactory, OrganisationFactory, UserFactory
from ponte.funding.tests.factories import ProjectFactory
from ponte.governance.models import Body, Meeting


@pytest.fixture
def anna(city):
    return MembershipFactory(
        city=city,
        role=Membership.Role.VIEWER,
        user__username="anna.bianchi",
        user__first_name="Anna",
        user__last_name="Bianchi",
    ).user


@pytest.fixture
def writer(city):
    return MembershipFactory(
        city=city,
        role=Membership.Role.PLAN_OWNER,
        user__username="marco",
        user__first_name="Marco",
        user__last_name="Verdi",
    ).user


def post(client, city, kind, pk, text):
    return client.post(f"/{city.slug}/gestione/commenti/{kind}/{pk}/", {"text": text})


def test_names_after_at_are_read_once_and_mail_addresses_are_not_mentions():
    text = "Ciao @Anna.Bianchi e @marco, vedi anche @anna.bianchi. Scrivi a info@comune.it (@ugo)"
    assert mentioned_names(text) == ["anna.bianchi", "marco", "ugo"]


def test_a_comment_mentions_the_citys_staff_only_and_never_its_author(client, city, action, anna, writer):
    foreign = MembershipFactory(city=CityFactory(), user__username="lontano").user  # staff elsewhere
    UserFactory(username="nessuno")  # an account with no role
    inactive = MembershipFactory(city=city, user__username="andato", user__is_active=False).user
    client.force_login(writer)

    response = post(
        client, city, "azione", action.pk, "@anna.bianchi @lontano @nessuno @andato @marco @sconosciuto guarda"
    )

    comment = Comment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/{city.slug}/gestione/azioni/{action.code}/#commento-{comment.pk}"
    assert set(comment.mentions.all()) == {anna, writer}  # the author may name themself; never told
    notification = Notification.objects.get()
    assert notification.recipient == anna and notification.kind == Notification.Kind.MENTION
    assert notification.url == f"/{city.slug}/gestione/azioni/{action.code}/#commento-{comment.pk}"
    assert notification.body.startswith("@anna.bianchi")
    assert "Marco Verdi" in notification.title
    assert not Notification.objects.filter(recipient__in=[foreign, inactive, writer]).exists()

    page = client.get(action.get_absolute_url()).content.decode()
    assert '<strong class="ponte-mention" title="Anna Bianchi">@anna.bianchi</strong>' in page
    assert "@lontano" in page and 'title="lontano"' not in page  # left as written, not highlighted
    response = post(client, city, "azione", action.pk, "ancora @Anna.Bianchi")
    assert "Commento aggiunto; avvisati: Anna Bianchi." in client.get(response["Location"]).content.decode()


def test_the_text_is_escaped_and_keeps_its_line_breaks(client, city, action, writer):
    client.force_login(writer)
    post(client, city, "azione", action.pk, "<script>alert(1)</script>\nseconda riga")
    page = client.get(action.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;<br>seconda riga" in page


@pytest.mark.parametrize("kind", ["progetto", "indicatore", "riunione"])
def test_projects_indicators_and_meetings_have_their_thread(client, city, action, anna, writer, kind):
    if kind == "progetto":
        item = ProjectFactory(programme__city=city)
    elif kind == "indicatore":
        item = IndicatorFactory(action=action)
    else:
        body = Body.objects.create(city=city, organisation=OrganisationFactory(city=city, kind="body"))
        item = Meeting.objects.create(city=city, body=body, title="Riunione", starts_at=timezone.now())
    client.force_login(anna)  # a viewer comments too
    assert 'id="commenti"' in client.get(item.get_absolute_url()).content.decode()

    response = post(client, city, kind, item.pk, "Serve la firma di @marco")

    comment = Comment.objects.get()
    assert comment.item == item and comment.author == anna
    assert response["Location"] == f"{item.get_absolute_url()}#commento-{comment.pk}"
    assert Notification.objects.get().recipient == writer
    assert "Serve la firma di" in client.get(item.get_absolute_url()).content.decode()


def test_an_empty_comment_is_refused_naming_the_field(client, city, action, writer):
    client.force_login(writer)
    response = post(client, city, "azione", action.pk, "   ")
    assert response.status_code == 200
    assert "text" in response.context["form"].errors
    assert not Comment.objects.exists()


def test_only_the_citys_staff_comment_and_only_on_the_citys_items(client, city, action, writer):
    client.force_login(MembershipFactory(city=CityFactory()).user)
    assert post(client, city, "azione", action.pk, "ciao").status_code == 403
    other = CityFactory()
    client.force_login(writer)
    assert post(client, other, "azione", action.pk, "ciao").status_code == 403
    assert post(client, city, "bando", action.pk, "ciao").status_code == 404
    assert post(client, city, "progetto", action.pk + 1000, "ciao").status_code == 404
    assert not Comment.objects.exists()


def test_the_author_deletes_within_fifteen_minutes_and_the_mention_goes_too(client, city, action, anna, writer):
    client.force_login(writer)
    post(client, city, "azione", action.pk, "@anna.bianchi prova")
    comment = Comment.objects.get()
    client.force_login(anna)  # not the author
    assert client.post(f"/{city.slug}/gestione/commenti/{comment.pk}/elimina/").status_code == 302
    assert Comment.objects.exists()
    client.force_login(writer)
    client.post(f"/{city.slug}/gestione/commenti/{comment.pk}/elimina/")
    assert not Comment.objects.exists() and not Notification.objects.exists()

    post(client, city, "azione", action.pk, "più tardi")
    Comment.objects.update(created_at=timezone.now() - datetime.timedelta(minutes=16))
    response = client.post(f"/{city.slug}/gestione/commenti/{Comment.objects.get().pk}/elimina/", follow=True)
    assert Comment.objects.exists()
    assert "entro 15 minuti" in response.content.decode()


def test_the_picker_offers_the_citys_active_staff_matching_what_was_typed(client, city, action, anna, writer):
    MembershipFactory(city=CityFactory(), user__username="annalisa", user__first_name="Annalisa")
    MembershipFactory(city=city, user__username="anselmo", user__is_active=False)
    url = f"/{city.slug}/gestione/commenti/azione/{action.pk}/persone/"
    assert client.get(url, {"q": "an"}).status_code == 302  # anonymous: sent to sign in
    client.force_login(writer)
    assert client.get(url, {"q": "an"}).json()["results"] == [{"username": "anna.bianchi", "name": "Anna Bianchi"}]
    assert client.get(url, {"q": "verdi"}).json()["results"] == [{"username": "marco", "name": "Marco Verdi"}]
    assert len(client.get(url, {"q": ""}).json()["results"]) == 2
    assert client.get(f"/{city.slug}/gestione/commenti/azione/{action.pk + 1}/persone/").status_code == 404


def test_a_thread_costs_the_same_queries_with_1_and_10_comments(client, city, action, anna, writer):
    client.force_login(writer)
    url = action.get_absolute_url()

    def queries():
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    post(client, city, "azione", action.pk, "primo @anna.bianchi")
    few = queries()
    for n in range(9):
        post(client, city, "azione", action.pk, f"commento {n} @anna.bianchi @marco")
    assert queries() == few
