"""Newsletter: double opt-in with expiring confirmation, consent recorded, one-click unsubscribe
(RFC 8058 headers), preferences; campaigns sent in the background with throttling, one delivery
per subscriber, resumable after an interruption without sending anything twice."""

import dataclasses
import datetime
import email.message
import functools
import html
import logging
import time
import uuid

import markdown
import nh3
from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.safestring import mark_safe
from django.utils.translation import get_language_info, ngettext
from django.utils.translation import gettext as _
from django_tasks import task

from ponte.core.mail import mailer, one_click_unsubscribe, send_once

from .models import Campaign, Delivery, Subscriber

logger = logging.getLogger(__name__)

CONFIRMATION_VALID = datetime.timedelta(hours=48)
DELIVERY_HEADER = "X-Ponte-Delivery"  # campaign.subscriber, read back from the bounces
Status = Subscriber.Status


def subscribe(*, city, email: str, segments, language: str, consent_text: str, address: str | None) -> Subscriber:
    """Record the request and consent and mail the confirmation link (again, if still pending)."""
    email = email.strip().lower()
    with transaction.atomic():
        subscriber, _created = Subscriber.objects.select_for_update().get_or_create(city=city, email=email)
        if subscriber.status == Status.ACTIVE:
            subscriber.segments.add(*segments)  # already subscribed: just more interests
            return subscriber
        subscriber.status, subscriber.language = Status.PENDING, language
        subscriber.consent_text, subscriber.consent_at, subscriber.consent_from = consent_text, timezone.now(), address
        subscriber.confirmation_sent_at = timezone.now()
        subscriber.save()
        subscriber.segments.set(segments)
    _mail_confirmation(subscriber)
    return subscriber


def _mail_confirmation(subscriber: Subscriber) -> bool:
    """Mail the confirmation link; refused by the relay, it is kept (`confirmation_pending`)
    for the worker to send again, and its 48 hours start when it is finally sent."""
    # The person's language inside the mailer's (which is the installation's).
    with mailer(relay_may_be_down=True) as mail, translation.override(subscriber.language):
        sent = mail.send(
            to=subscriber.email,
            template="participation/email/confirm_subscription",
            context={"city": subscriber.city, "subscriber": subscriber},
        )
    subscriber.confirmation_pending = not sent
    changes = {"confirmation_pending": not sent} | ({"confirmation_sent_at": timezone.now()} if sent else {})
    Subscriber.objects.filter(pk=subscriber.pk).update(**changes)
    if not sent:
        from .services import retry_unsent_mail_later

        retry_unsent_mail_later()
    return sent


def retry_confirmations() -> int:
    pending = Subscriber.objects.filter(status=Status.PENDING, confirmation_pending=True).select_related("city")
    return sum(_mail_confirmation(subscriber) for subscriber in pending)


def confirm(*, city, token) -> tuple[Subscriber | None, str]:
    """("ok" | "already" | "expired" | "unknown"): confirming twice is harmless; a link works
    only under its own city's address."""
    return confirm_token(Subscriber.objects.for_city(city), token)


def confirm_token(rows, token) -> tuple:
    """The double opt-in's link opened, for any list of addresses kept like the subscribers
    (`status` pending / active / unsubscribed, `token`, `confirmation_sent_at`, `confirmed_at`):
    (the row or None, "ok" | "already" | "expired" | "unknown")."""
    row = rows.filter(token=token).first()
    if row is None:
        return None, "unknown"
    if row.status == Status.ACTIVE:
        return row, "already"
    sent_at = row.confirmation_sent_at
    if row.status != Status.PENDING or sent_at is None or timezone.now() - sent_at > CONFIRMATION_VALID:
        return row, "expired"
    row.status, row.confirmed_at = Status.ACTIVE, timezone.now()
    row.save(update_fields=["status", "confirmed_at"])
    return row, "ok"


def unsubscribe(*, city, token) -> Subscriber | None:
    return unsubscribe_token(Subscriber.objects.for_city(city), token)


def unsubscribe_token(rows, token):
    """The one-click unsubscribe link (or its RFC 8058 POST), for the same kind of list as
    `confirm_token`; harmless to repeat."""
    row = rows.filter(token=token).first()
    if row and row.status != Status.UNSUBSCRIBED:
        row.status, row.unsubscribed_at = Status.UNSUBSCRIBED, timezone.now()
        row.save(update_fields=["status", "unsubscribed_at"])
    return row


@functools.lru_cache(maxsize=16)
def rich_text(source: str) -> str:
    """A campaign's Markdown as HTML safe to mail and to show: whatever tag or attribute is not
    plain formatting (scripts, styles, event handlers, javascript: links) is removed. Cached: a
    send renders the same body for every recipient."""
    html = markdown.markdown(source, extensions=["sane_lists"], output_format="html")
    return mark_safe(nh3.clean(html, url_schemes={"http", "https", "mailto"}))  # noqa: S308 - sanitised above


def plain_text(source: str) -> str:
    """Text with every HTML tag taken out (scripts and styles with their content) and entities
    decoded: what a plain-text mail part or a quoted update carries. Repeated until nothing changes,
    so that an escaped tag (`&lt;img …&gt;`) does not come back as a tag once decoded; a lone "<"
    or "&" of ordinary text stays as it is."""
    for _round in range(5):
        cleaned = html.unescape(nh3.clean(source, tags=set()))
        if cleaned == source:
            break
        source = cleaned
    return source


def starter_body(city, limit: int = 5) -> str:
    """The draft of a new campaign, in Markdown: the latest news of the plan (its actions'
    narrative updates) and the next public events, each with its link, to edit or remove."""
    from ponte.plan.models import ActionUpdate
    from ponte.portal import public

    # Subscribers are the public: only published actions and events, linked on the portal.
    # Only approved updates (issue 17): one awaiting review or sent back never reaches a campaign.
    updates = (
        ActionUpdate.objects.for_city(city)
        .public()
        .filter(action__in=public.actions(city).values("pk"))
        .select_related("action__city")
        .order_by("-year", "-period", "-created_at")[:limit]
    )
    events = public.events(city).filter(starts_at__gte=timezone.now())
    # Updates and titles are plain text written by the offices: any markup in them is quoted as
    # text, never as HTML the campaign would carry on (issue 14).
    news = [
        f"- **[{u.action.code} {plain_text(u.action.title)}]({settings.SITE_URL}{u.action.get_public_url()})** "
        f"({u.period_label}): {' '.join(plain_text(u.text).split())[:300]}"
        for u in updates
    ]
    upcoming = [
        f"- {date_format(timezone.localtime(event.starts_at), 'DATETIME_FORMAT')} · "
        f"[{plain_text(event.title)}]({settings.SITE_URL}{event.get_absolute_url()})"
        for event in events.order_by("starts_at")[:limit]
    ]
    sections = ((_("News from the plan"), news), (_("Upcoming events"), upcoming))
    return "\n\n".join(f"## {title}\n\n" + "\n".join(lines) for title, lines in sections if lines)


def _audience(campaign: Campaign):
    subscribers = Subscriber.objects.for_city(campaign.city)
    if campaign.segment_id:
        subscribers = subscribers.filter(segments=campaign.segment_id)
    return subscribers


def recipients(campaign: Campaign):
    return _audience(campaign).filter(status=Status.ACTIVE)


def still_to_send(campaign: Campaign):
    """The recipients a send would mail now: not those it already reached (or that bounced)."""
    reached = campaign.deliveries.filter(
        status__in=[Delivery.Status.SENT, Delivery.Status.BOUNCED, Delivery.Status.UNKNOWN]
    )
    return recipients(campaign).exclude(pk__in=reached.values("subscriber_id"))


@dataclasses.dataclass(frozen=True)
class Audience:
    """What the confirmation before a send says: how many it will mail, in which language, and
    who of the segment it leaves out."""

    total: int
    by_language: list  # [(language name, count)]
    already_sent: int
    left_out: list  # ["3 unsubscribed", …]: the segment's subscribers not active, counted in words


def audience(campaign: Campaign) -> Audience:
    by_language = dict(still_to_send(campaign).values_list("language").annotate(n=Count("pk")).order_by())
    by_status = dict(_audience(campaign).values_list("status").annotate(n=Count("pk")).order_by())
    return Audience(
        total=sum(by_language.values()),
        by_language=[
            (get_language_info(code)["name_translated"] if code in dict(settings.LANGUAGES) else code, n)
            for code, n in sorted(by_language.items())
        ],
        already_sent=campaign.deliveries.filter(status=Delivery.Status.SENT).count(),
        left_out=[left_out(status, n) for status, n in sorted(by_status.items()) if status != Status.ACTIVE],
    )


def left_out(status: str, n: int) -> str:
    """How many subscribers of a status a send leaves out, in words that agree with the number."""
    words = {
        Status.PENDING: ngettext("%(n)d waiting for confirmation", "%(n)d waiting for confirmation", n),
        Status.UNSUBSCRIBED: ngettext("%(n)d unsubscribed", "%(n)d unsubscribed", n),
        Status.BOUNCED: ngettext("%(n)d with the address rejected", "%(n)d with the address rejected", n),
    }
    return words.get(status, f"{Status(status).label} %(n)d") % {"n": n}


def delivery_counts(campaign: Campaign) -> dict:
    """{delivery status: count} of a campaign, every status present."""
    counts = dict.fromkeys(Delivery.Status.values, 0)
    counts.update(campaign.deliveries.values_list("status").annotate(n=Count("pk")).order_by())
    return counts


def _stall_cutoff():
    return timezone.now() - datetime.timedelta(minutes=settings.NEWSLETTER_STALL_MINUTES)


def _under_way() -> Q:
    """A campaign queued for a worker or held by one that gave a sign of life lately."""
    return Q(status=Campaign.Status.SENDING, claimed_at__gte=_stall_cutoff())


def send_under_way(campaign: Campaign) -> bool:
    return Campaign.objects.filter(_under_way(), pk=campaign.pk).exists()


def queue_campaign(*, campaign: Campaign) -> bool:
    """Mark the campaign as sending and hand it to the background worker once this is saved;
    False (and nothing queued) when it is already queued or being sent: a second click, or a
    second member of staff, never starts a second send."""
    queued = (
        Campaign.objects.filter(pk=campaign.pk)
        .exclude(_under_way())
        .update(status=Campaign.Status.SENDING, claimed_by="", claimed_at=timezone.now())
    )
    if not queued:
        return False
    campaign.status = Campaign.Status.SENDING
    transaction.on_commit(lambda: send_campaign_task.enqueue(campaign.pk))
    return True


def claim_send(campaign: Campaign) -> str | None:
    """Make this process the only sender of the campaign: a conditional UPDATE that succeeds for
    one caller only, unless the holder stopped giving signs of life for NEWSLETTER_STALL_MINUTES
    (its worker died). Returns the claim's token, None when another sender holds it."""
    token = uuid.uuid4().hex
    held = Q(claimed_at__gte=_stall_cutoff()) & ~Q(claimed_by="")
    claimed = (
        Campaign.objects.filter(pk=campaign.pk)
        .exclude(held)
        .update(status=Campaign.Status.SENDING, claimed_by=token, claimed_at=timezone.now())
    )
    return token if claimed else None


def _still_holding(campaign: Campaign, token: str) -> bool:
    """The claim's sign of life; False when another sender took it over (this one looked dead)."""
    return bool(Campaign.objects.filter(pk=campaign.pk, claimed_by=token).update(claimed_at=timezone.now()))


def resumable_campaigns(city=None):
    """Campaigns whose send stopped half-way (the worker died or was stopped) or was queued and
    never taken: no sign of life for NEWSLETTER_STALL_MINUTES, and something left to send."""
    left = Delivery.objects.filter(
        campaign=OuterRef("pk"), status__in=[Delivery.Status.QUEUED, Delivery.Status.SENDING]
    )
    campaigns = (
        Campaign.objects.filter(status=Campaign.Status.SENDING)
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=_stall_cutoff()))
        .filter(Exists(left) | ~Exists(Delivery.objects.filter(campaign=OuterRef("pk"))))
    )
    return campaigns.filter(city=city) if city is not None else campaigns


def resume_stalled_campaigns(city=None) -> list[int]:
    """Queue again every interrupted send, without anyone pressing "send" (the daily command,
    each campaign task of the worker). The claims keep a resumed send from running twice."""
    resumed = []
    for campaign_id in resumable_campaigns(city).values_list("pk", flat=True):
        transaction.on_commit(functools.partial(send_campaign_task.enqueue, campaign_id))
        resumed.append(campaign_id)
    return resumed


def send_test(*, campaign: Campaign, to: str) -> None:
    """The campaign exactly as a subscriber receives it, to one address (OSError when refused)."""
    probe = Subscriber(city=campaign.city, email=to, language=translation.get_language() or "it")
    with get_connection() as connection:
        campaign_message(campaign, probe, connection, test=True).send()


def campaign_message(
    campaign: Campaign, subscriber: Subscriber, connection, *, test: bool = False
) -> EmailMultiAlternatives:
    """The campaign for one subscriber: the Markdown source without any HTML tag as the plain-text
    part, its sanitised HTML rendering as the alternative, and the RFC 8058 one-click unsubscribe
    headers. A test says so in its subject ("[PROVA]") and carries no delivery header: it is no
    subscriber's delivery, and a bounce of it must not be recorded against one."""
    unsubscribe_url = settings.SITE_URL + reverse(
        "participation:unsubscribe", kwargs={"city": campaign.city.slug, "token": subscriber.token}
    )
    context = {
        "campaign": campaign,
        "html": rich_text(campaign.body),
        "text": plain_text(campaign.body),
        "subscriber": subscriber,
        "unsubscribe_url": unsubscribe_url,
        "preferences_url": settings.SITE_URL
        + reverse("participation:preferences", kwargs={"city": campaign.city.slug, "token": subscriber.token}),
    }
    with translation.override(subscriber.language):
        # A plain str, not the SafeString the renderer returns: wherever the body is shown in a
        # page it is escaped like any other text (the preview quoted it unescaped before).
        body = str.__str__(render_to_string("participation/email/campaign.txt", context))
        html = render_to_string("participation/email/campaign.html", context)
        subject = f"{_('[TEST]')} {campaign.subject}" if test else campaign.subject
    headers = one_click_unsubscribe(unsubscribe_url)
    if subscriber.pk is not None and not test:
        headers[DELIVERY_HEADER] = f"{campaign.pk}.{subscriber.pk}"
    message = EmailMultiAlternatives(
        subject=subject, body=body, to=[subscriber.email], connection=connection, headers=headers
    )
    message.attach_alternative(html, "text/html")
    return message


def send_campaign(campaign: Campaign, *, throttle: float | None = None, retry_failed: bool = True) -> dict:
    """Send the campaign once to each recipient, whatever the number of workers and clicks: the
    campaign is claimed by one sender (claim_send), each delivery is claimed (queued → sending by
    a conditional UPDATE) before its message goes, so no message leaves twice. Queues one
    delivery per recipient (idempotent) and sends those not sent yet; a second caller while the
    claim is held sends nothing."""
    throttle = settings.NEWSLETTER_THROTTLE if throttle is None else throttle
    token = claim_send(campaign)
    if token is None:
        logger.info("Campaign %s is already being sent: nothing to do", campaign.pk)
        return delivery_counts(campaign)
    try:
        # A delivery left "sending" by a sender that died: its message may have left; never resent.
        campaign.deliveries.filter(status=Delivery.Status.SENDING).update(status=Delivery.Status.UNKNOWN)
        for subscriber_id in recipients(campaign).values_list("pk", flat=True):
            Delivery.objects.get_or_create(city=campaign.city, campaign=campaign, subscriber_id=subscriber_id)
        pending = [Delivery.Status.QUEUED] + ([Delivery.Status.FAILED] if retry_failed else [])
        deliveries = campaign.deliveries.filter(status__in=pending)
        with get_connection() as connection:
            for delivery in deliveries.select_related("subscriber").iterator():
                if not _still_holding(campaign, token):
                    logger.warning("Campaign %s: another sender took over; this one stops", campaign.pk)
                    break
                _send_delivery(campaign, delivery, connection)
                if throttle:
                    time.sleep(throttle)
    finally:
        # Released however the send ended: an interruption is resumed at once by the next run.
        Campaign.objects.filter(pk=campaign.pk, claimed_by=token).update(claimed_by="", claimed_at=None)
    counts = delivery_counts(campaign)
    if not counts[Delivery.Status.QUEUED] and not counts[Delivery.Status.FAILED]:
        Campaign.objects.filter(pk=campaign.pk).update(status=Campaign.Status.SENT, sent_at=timezone.now())
    return counts


def _send_delivery(campaign: Campaign, delivery: Delivery, connection) -> None:
    """Claim one delivery and send it: only the caller whose UPDATE moved it out of queued or
    failed mails it (`send_once`)."""
    send_once(
        Delivery.objects,
        delivery.pk,
        claimed_from=delivery.status,
        send=lambda: campaign_message(campaign, delivery.subscriber, connection).send(),
    )


@task()
def send_campaign_task(campaign_id: int) -> dict:
    campaign = Campaign.objects.select_related("city").get(pk=campaign_id)
    counts = send_campaign(campaign)
    resume_stalled_campaigns(campaign.city)  # another send of the city that stopped half-way
    return counts


@dataclasses.dataclass(frozen=True)
class Bounce:
    """One failed recipient of a delivery status notification (RFC 3464)."""

    recipient: str
    status: str  # the enhanced status code, e.g. 5.1.1
    diagnostic: str
    delivery: str  # the DELIVERY_HEADER of the returned message, "" when the report did not include it

    @property
    def permanent(self) -> bool:
        return self.status.startswith("5")


def bounces_in(message: email.message.Message) -> list[Bounce]:
    """The failed recipients a bounce reports; [] for any other message (auto-replies, spam)."""
    if message.get_content_type() != "multipart/report" or message.get_param("report-type") != "delivery-status":
        return []
    returned, reports = "", []
    for part in message.walk():
        if part.get_content_type() in ("text/rfc822-headers", "message/rfc822"):
            payload = part.get_payload()
            original = payload[0] if isinstance(payload, list) else email.message_from_string(payload)
            returned = returned or (original.get(DELIVERY_HEADER) or "").strip()
        elif part.get_content_type() == "message/delivery-status":
            # the per-message block comes first, then one block per recipient
            reports = [block for block in part.get_payload()[1:] if block.get("Action", "").lower() == "failed"]
    return [
        Bounce(
            recipient=block.get("Final-Recipient", "").split(";")[-1].strip().lower(),
            status=block.get("Status", "").strip(),
            diagnostic=" ".join(block.get("Diagnostic-Code", "").split(";")[-1].split())[:300],
            delivery=returned,
        )
        for block in reports
    ]


def record_bounce(city, bounce: Bounce) -> Delivery | None:
    """Mark the delivery that came back as bounced; a permanent failure (5.x.x) also stops mailing
    that address. Recording the same bounce twice changes nothing more."""
    deliveries = Delivery.objects.for_city(city).filter(subscriber__email__iexact=bounce.recipient)
    campaign_id, _dot, subscriber_id = bounce.delivery.partition(".")
    if campaign_id.isdigit() and subscriber_id.isdigit():
        deliveries = deliveries.filter(campaign_id=campaign_id, subscriber_id=subscriber_id)
    delivery = deliveries.select_related("subscriber").order_by("-sent_at", "-pk").first()
    if delivery is None:
        return None
    delivery.status, delivery.error = Delivery.Status.BOUNCED, f"{bounce.status} {bounce.diagnostic}".strip()
    delivery.save(update_fields=["status", "error"])
    if bounce.permanent and delivery.subscriber.status == Status.ACTIVE:
        delivery.subscriber.status = Status.BOUNCED
        delivery.subscriber.save(update_fields=["status"])
    return delivery
