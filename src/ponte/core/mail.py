"""Mail to staff: who receives what, and one way to send a templated message over SMTP."""

import logging
from collections import defaultdict
from contextlib import contextmanager

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .models import Membership

logger = logging.getLogger(__name__)


def staff_addresses(city) -> tuple[dict, set]:
    """({office id: editors' addresses}, plan owners' and administrators' addresses)."""
    editors, owners = defaultdict(set), set()
    rows = Membership.objects.for_city(city).exclude(user__email="").values_list("office_id", "role", "user__email")
    for office_id, role, email in rows:
        if role == Membership.Role.OFFICE_EDITOR:
            editors[office_id].add(email)
        elif role in (Membership.Role.PLAN_OWNER, Membership.Role.ADMINISTRATOR):
            owners.add(email)
    return editors, owners


@contextmanager
def mailer(*, relay_may_be_down: bool = False):
    """One SMTP connection, messages rendered in the installation's language. A relay that is
    down raises OSError here, unless `relay_may_be_down`: then each `send` answers False, and
    the caller keeps the mail for a later try (a person's request must not fail for it)."""
    connection = get_connection()
    try:
        connection.open()
    except OSError:
        if not relay_may_be_down:
            raise
        logger.warning("Mail relay unreachable; the messages of this run will be retried")
    try:
        with translation.override(settings.LANGUAGE_CODE):
            yield Mailer(connection)
    finally:
        connection.close()


class Mailer:
    def __init__(self, connection):
        self.connection = connection

    def send(self, *, to: str, template: str, context: dict, headers: dict | None = None) -> bool:
        """Render `<template>_subject.txt` and `<template>.txt` and send; False when the server
        refused this message (logged; the caller retries on its next run)."""
        context = {"site_url": settings.SITE_URL, **context}
        message = EmailMessage(
            # One line, whatever the context holds (a citizen's subject with a line break would
            # make Django refuse the header).
            subject=" ".join(render_to_string(f"{template}_subject.txt", context).split()),
            body=render_to_string(f"{template}.txt", context),
            to=[to],
            connection=self.connection,
            headers=headers,
        )
        try:
            message.send()
        except OSError:
            logger.exception("Mail to %s not sent; it will be retried", to)
            return False
        return True


def one_click_unsubscribe(url: str) -> dict:
    """The headers that let a mail client unsubscribe with one click (RFC 2369 and RFC 8058): the
    client POSTs `List-Unsubscribe=One-Click` to the address, without cookies or a form."""
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def send_once(rows, pk, *, claimed_from: str, send, **claim) -> bool:
    """Send one message of a queue exactly once, whatever the number of workers: the row (with
    `status` queued / sending / sent / failed, `error` and `sent_at`) is claimed by a conditional
    UPDATE out of `claimed_from` that only one caller wins, then `send()` is called and its
    outcome recorded: sent, failed (refused by the relay: retried later) or back to queued when
    the worker was stopped while handing it over (it did not leave). False when another caller
    holds it. A row left "sending" by a worker that died may have left: callers never resend it."""
    if not rows.filter(pk=pk, status=claimed_from).update(status="sending", **claim):
        return False
    outcome = rows.filter(pk=pk, status="sending")
    try:
        send()
    except OSError as exc:
        outcome.update(status="failed", error=str(exc)[:300])
    except BaseException:
        outcome.update(status="queued")
        raise
    else:
        outcome.update(status="sent", error="", sent_at=timezone.now())
    return True
