"""Journey (issue 17): a plan owner comments on an action and mentions a colleague by typing "@"
and picking her; the colleague signs in, sees the bell count 1, opens the notification centre
and clicks through to the comment; her inbox holds the mail at once ("immediate") or only once
the daily digest has run, exactly one."""

import re
from email.header import decode_header, make_header

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from ponte.browsing import axe_violations, fits_the_screen, shoot
from ponte.collaboration.models import Comment, Notification
from ponte.collaboration.services import set_email_choice
from ponte.core.models import Membership
from ponte.factories import MembershipFactory


def subject(mail) -> str:
    return str(make_header(decode_header(mail["Subject"])))


@pytest.mark.parametrize(("width", "choice"), [("desktop", "immediate"), ("mobile", "daily")])
def test_a_mention_reaches_the_colleagues_centre_and_inbox(visit, city, action, smtp_server, width, choice):
    action.title = "Rete delle città europee"
    action.save()
    marco = MembershipFactory(
        city=city,
        role=Membership.Role.PLAN_OWNER,
        user__username="marco.verdi@comune.testopoli.it",  # invited staff sign in with their address
        user__first_name="Marco",
        user__last_name="Verdi",
    ).user
    anna = MembershipFactory(
        city=city,
        role=Membership.Role.VIEWER,
        user__username="anna.bianchi",
        user__first_name="Anna",
        user__last_name="Bianchi",
    ).user
    MembershipFactory(city=city, user__username="andrea", user__first_name="Andrea", user__last_name="Neri")
    set_email_choice(user=anna, email=choice)

    # Marco writes a comment and picks Anna from the names offered after "@".
    page = visit(f"/{city.slug}/gestione/azioni/{action.code}/", user=marco, width=width)
    comments = page.get_by_role("region", name="Commenti")
    expect(comments).to_contain_text("Ancora nessun commento.")
    field = comments.get_by_label("Il tuo commento")
    # The hint's example is written as the picker writes a colleague: @ and an address like Marco's.
    expect(comments).to_contain_text("scrivi @ e l'inizio del suo nome")
    expect(comments).to_contain_text("ad es. @mario.rossi@comune.testopoli.it.")
    field.click()
    field.press_sequentially("Serve il parere di @an")
    offered = page.get_by_role("listbox", name="Colleghi da menzionare")
    expect(offered.get_by_role("option")).to_have_count(2)  # Andrea and Anna, never staff elsewhere
    field.press_sequentially("na")
    expect(offered.get_by_role("option")).to_have_count(1)
    expect(offered.get_by_role("option", name=re.compile("Anna Bianchi"))).to_have_attribute("aria-selected", "true")
    shoot(page, f"collaboration-mention-picker-{width}")
    assert axe_violations(page) == []
    if width == "desktop":
        field.press("Enter")  # the keyboard: the first match is highlighted
    else:
        offered.get_by_role("option", name=re.compile("Anna Bianchi")).click()
    expect(offered).to_be_hidden()
    expect(field).to_have_value("Serve il parere di @anna.bianchi ")
    field.press_sequentially("sul bando.")
    comments.get_by_role("button", name="Aggiungi il commento").click()
    expect(page.get_by_role("status").filter(has_text="Commento aggiunto; avvisati: Anna Bianchi.")).to_be_visible()
    comment = Comment.objects.get()
    thread = page.get_by_role("region", name="Commenti")
    expect(thread.locator(f"#commento-{comment.pk}")).to_contain_text("Serve il parere di @anna.bianchi sul bando.")
    expect(thread.locator(".ponte-mention")).to_have_text("@anna.bianchi")
    assert list(comment.mentions.all()) == [anna]
    fits_the_screen(page)
    shoot(page, f"collaboration-comment-thread-{width}")
    if choice == "immediate":
        assert [m["To"] for m in smtp_server.messages] == ["anna.bianchi@example.org"]
        assert "Marco Verdi ti ha menzionato" in subject(smtp_server.messages[0])
    else:
        assert smtp_server.messages == []

    # Anna signs in: the bell says 1; the centre lists the mention; a click leads to the comment.
    page = visit(f"/{city.slug}/gestione/", user=anna, width=width)
    bell = page.locator("header").get_by_role("link", name=re.compile("^Notifiche"))
    expect(bell).to_have_text(re.compile(r"Notifiche\s+1 da leggere"))
    bell.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Notifiche")
    item = page.locator(".ponte-notifications li").first
    expect(item).to_contain_text("da leggere")
    expect(item).to_contain_text("Serve il parere di @anna.bianchi sul bando.")
    mark = item.get_by_role("button", name=re.compile("^Segna come letta: Marco Verdi ti ha menzionato"))
    expect(mark).to_have_text("Segna come letta")
    fits_the_screen(page)
    shoot(page, f"collaboration-notification-centre-{width}")
    assert axe_violations(page) == []
    item.get_by_role("link", name=re.compile("Marco Verdi ti ha menzionato in 1.1.1")).click()
    expect(page).to_have_url(re.compile(rf"/azioni/{action.code}/#commento-{comment.pk}$"))
    expect(page.locator(f"#commento-{comment.pk}")).to_be_in_viewport()
    expect(page.locator("header").get_by_role("link", name=re.compile("^Notifiche"))).to_have_text("Notifiche")
    assert Notification.objects.get(recipient=anna).is_read

    if choice == "daily":
        assert smtp_server.messages == []
        call_command("send_notification_digests", verbosity=0)
        call_command("send_notification_digests", verbosity=0)  # a second run sends nothing again
        assert [m["To"] for m in smtp_server.messages] == ["anna.bianchi@example.org"]
        assert "1 notifica" in subject(smtp_server.messages[0])
    else:
        assert len(smtp_server.messages) == 1
