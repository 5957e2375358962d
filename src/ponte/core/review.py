"""Review before publication (issue 17): what staff write for the public — an action's periodic
update, a news item, the FAQ entry of a Europe Direct answer — waits for a plan owner's approval
when the city asks for it (`City.review_updates`, `review_news`, `review_faq`).

    submit(item=…, user=…)               the author sends it: pending, the plan owners are told;
                                         approved at once when no review applies
    approve(item=…, user=…)              a plan owner approves it: it is applied (published)
    send_back(item=…, user=…, comment=…) a plan owner returns it to its author with a comment

Each kind of item has an `Adapter` in `REGISTRY`: its city flag, its author, how it is named,
where it is edited and seen, and what approving it does. Every step is kept as a `ReviewEvent`;
a decision claims the item with a conditional UPDATE, so of two reviewers deciding at once only
one wins and the other is told the item is no longer pending.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import permissions, publiccache
from .models import Membership, Publication, ReviewEvent, ReviewState
from .services import acting_as

Decision = ReviewEvent.Decision


@dataclass(frozen=True)
class Adapter:
    """How review treats one model."""

    key: str  # in the review page's address
    model_label: str  # "app_label.model_name"
    city_flag: str  # the City field that turns review on for this kind
    kind_label: str  # what people call one, "Periodic update"
    author_field: str  # the item's author (notified of the decision), "" if it has none
    label: Callable  # item -> how the queue names it
    apply: Callable  # (item, user) -> None: what approval does (publish, apply to the action)
    edit_url: Callable  # item -> where its author corrects it
    public_url: Callable  # item -> where the public will see it
    template: str  # the content as it will be published, on the review page
    queue_related: tuple = ()  # select_related of the queue

    @property
    def model(self):
        from django.apps import apps

        return apps.get_model(self.model_label)


# ---- the three kinds of item -------------------------------------------------------------------


def _update_label(update) -> str:
    period = getattr(update, "period_label", None) or str(update)
    return f"{update.action.code} {update.action.title} · {period}"


def _update_apply(update, user):
    from ponte.plan.services import update_apply

    update_apply(update=update, user=user)


def _update_edit_url(update) -> str:
    try:
        return reverse(
            "plan:update-edit", kwargs={"city": update.city.slug, "code": update.action.code, "pk": update.pk}
        )
    except NoReverseMatch:  # the update form's address is the plan app's; the action's page otherwise
        return update.action.get_absolute_url()


def _news_apply(news, user):
    news.publication = Publication.PUBLISHED
    with acting_as(user):
        news.save(update_fields=["publication", "updated_at"])


def _faq_apply(question, user):
    question.in_faq = True
    with acting_as(user):
        question.save(update_fields=["in_faq"])


REGISTRY: dict[str, Adapter] = {}


def register(adapter: Adapter) -> Adapter:
    REGISTRY[adapter.key] = adapter
    return adapter


register(
    Adapter(
        key="aggiornamento",
        model_label="plan.actionupdate",
        city_flag="review_updates",
        kind_label=_("Periodic update"),
        author_field="author",
        label=_update_label,
        apply=_update_apply,
        edit_url=_update_edit_url,
        public_url=lambda update: update.action.get_public_url(),
        template="core/review/_update.html",
        queue_related=("action", "author", "city"),
    )
)
register(
    Adapter(
        key="notizia",
        model_label="portal.news",
        city_flag="review_news",
        kind_label=_("News item"),
        author_field="author",
        label=lambda news: news.title,
        apply=_news_apply,
        edit_url=lambda news: reverse("newsdesk:edit", kwargs={"city": news.city.slug, "pk": news.pk}),
        public_url=lambda news: news.get_public_url(),
        template="core/review/_news.html",
        queue_related=("author", "city", "action"),
    )
)
register(
    Adapter(
        key="faq",
        model_label="participation.question",
        city_flag="review_faq",
        kind_label=_("FAQ entry"),
        author_field="assigned_to",
        label=lambda question: question.faq_question.splitlines()[0][:200] if question.faq_question else str(question),
        apply=_faq_apply,
        edit_url=lambda question: reverse(
            "participation:question", kwargs={"city": question.city.slug, "pk": question.pk}
        ),
        public_url=lambda question: reverse("participation:faq", kwargs={"city": question.city.slug}),
        template="core/review/_faq.html",
        queue_related=("assigned_to", "city"),
    )
)


def adapter_for(item) -> Adapter:
    label = item._meta.label_lower
    for adapter in REGISTRY.values():
        if adapter.model_label == label:
            return adapter
    raise LookupError(f"{label} is not reviewed")


def review_url(item) -> str:
    return reverse("core:review-detail", kwargs={"city": item.city.slug, "kind": adapter_for(item).key, "pk": item.pk})


# ---- rules -------------------------------------------------------------------------------------


def city_reviews(item) -> bool:
    """Whether the item's city asks for review of this kind of item."""
    return bool(getattr(item.city, adapter_for(item).city_flag))


def can_review(user, city) -> bool:
    """Plan owners and administrators approve and send back."""
    return permissions.can_manage_plan(user, city)


def requires_review(item, user=None) -> bool:
    """Whether `item`, written by `user`, waits for approval: the city reviews its kind and the
    writer is not a plan owner or an administrator (they publish directly)."""
    if not city_reviews(item):
        return False
    return user is None or not can_review(user, item.city)


def author_of(item):
    """Who is told of the decision: whoever last submitted it, or the item's author."""
    submitted = (
        ReviewEvent.objects.filter(
            content_type=ContentType.objects.get_for_model(item), object_id=item.pk, decision=Decision.SUBMITTED
        )
        .exclude(by=None)
        .select_related("by")
        .order_by("-at", "-pk")
        .first()
    )
    if submitted is not None:
        return submitted.by
    field = adapter_for(item).author_field
    return getattr(item, field) if field else None


def reviewers(city):
    """The plan owners and administrators of `city`, who are asked to review."""
    from django.contrib.auth import get_user_model

    roles = [Membership.Role.PLAN_OWNER, Membership.Role.ADMINISTRATOR]
    return (
        get_user_model().objects.filter(is_active=True, memberships__city=city, memberships__role__in=roles).distinct()
    )


def history(item):
    """The review steps of `item`, oldest first."""
    return ReviewEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(item), object_id=item.pk
    ).select_related("by")


# ---- writes ------------------------------------------------------------------------------------


def _event(item, *, decision, user, comment=""):
    return ReviewEvent.objects.create(
        city=item.city,
        content_type=ContentType.objects.get_for_model(item),
        object_id=item.pk,
        decision=decision,
        by=user if user is not None and user.is_authenticated else None,
        comment=comment,
    )


def _audit(item, user, old_state, new_state):
    """The audit trail of the item records the change of state (a conditional UPDATE bypasses
    the model's save, which is what auditlog listens to)."""
    if not auditlog.contains(type(item)):
        return
    with acting_as(user):
        LogEntry.objects.log_create(
            item, action=LogEntry.Action.UPDATE, changes={"review_state": [str(old_state), str(new_state)]}
        )


def _title(item) -> str:
    adapter = adapter_for(item)
    return f"{adapter.kind_label}: {adapter.label(item)}"


def _notify(*, recipient, item, kind, title, event, url, body="", actor=None):
    from ponte.collaboration.services import notify

    notify(
        recipient=recipient,
        city=item.city,
        kind=kind,
        title=title,
        key=f"review:{event.pk}",
        url=url,
        body=body,
        actor=actor,
    )


def _settle(item, *, kind, decision):
    """The notifications of `kind` sent for `item`'s steps of `decision` are done: marked read for
    everyone (the requests of every reviewer once one decided, the author's "sent back" once they
    resubmit), so the bell stops counting them."""
    from ponte.collaboration.services import mark_done

    steps = history(item).filter(decision=decision).values_list("pk", flat=True)
    mark_done(city=item.city, kind=kind, keys=[f"review:{pk}" for pk in steps])


def submit(*, item, user):
    """Send a saved item for review. Pending until a plan owner decides, and every plan owner and
    administrator is told; approved (and applied) at once when the city does not review this kind
    of item or `user` is a plan owner. Saving an item that is already pending keeps it pending
    (the reviewers see the newest text) without asking them again. Returns the item."""
    from ponte.collaboration.models import Notification

    now = timezone.now()
    with transaction.atomic():
        if item.review_state == ReviewState.RETURNED:  # corrected: the author's "sent back" is done
            _settle(item, kind=Notification.Kind.REVIEW_RETURNED, decision=Decision.RETURNED)
        if not requires_review(item, user):
            reviewed = city_reviews(item)
            item.review_state = ReviewState.APPROVED
            item.submitted_at = item.submitted_at or now
            item.reviewed_by = user if reviewed and user.is_authenticated else None
            item.reviewed_at = now if reviewed else None
            with acting_as(user):
                item.save(update_fields=["review_state", "submitted_at", "reviewed_by", "reviewed_at"])
            if reviewed:  # a plan owner published it directly: the history says so
                _event(item, decision=Decision.APPROVED, user=user)
            adapter_for(item).apply(item, user)
            return item
        if item.review_state == ReviewState.PENDING:
            return item
        item.review_state = ReviewState.PENDING
        item.submitted_at = now
        with acting_as(user):
            item.save(update_fields=["review_state", "submitted_at"])
        event = _event(item, decision=Decision.SUBMITTED, user=user)
        title = gettext("To review · %(item)s") % {"item": _title(item)}
        url = review_url(item)
        for reviewer in reviewers(item.city):
            _notify(
                recipient=reviewer,
                item=item,
                kind=Notification.Kind.REVIEW_REQUESTED,
                title=title,
                event=event,
                url=url,
                actor=user,
            )
    return item


def withdrawn(item):
    """`item` left the review as a draft (saved as a draft by its author): the reviewers' requests
    and the author's "sent back" notifications of it are done."""
    from ponte.collaboration.models import Notification

    _settle(item, kind=Notification.Kind.REVIEW_REQUESTED, decision=Decision.SUBMITTED)
    _settle(item, kind=Notification.Kind.REVIEW_RETURNED, decision=Decision.RETURNED)


def withdraw(*, item, user):
    """The author keeps a pending or returned item as a draft: it leaves the review queue (and the
    reviewers' requests and the author's "sent back" are done)."""
    if item.review_state in (ReviewState.PENDING, ReviewState.RETURNED):
        withdrawn(item)
        item.review_state = ReviewState.DRAFT
        with acting_as(user):
            item.save(update_fields=["review_state"])
    return item


def _claim(item, *, user, new_state, comment=""):
    """Move a pending item to `new_state` if it is still pending: one conditional UPDATE, so of
    two reviewers deciding at once only the first wins. Refused (ValidationError) otherwise."""
    if not can_review(user, item.city):
        raise PermissionDenied(gettext("Only the plan owners and the administrators approve or send back."))
    now = timezone.now()
    claimed = (
        type(item)
        .objects.filter(pk=item.pk, review_state=ReviewState.PENDING)
        .update(review_state=new_state, reviewed_by=user, reviewed_at=now, review_comment=comment)
    )
    if not claimed:
        current = type(item).objects.select_related("reviewed_by").get(pk=item.pk)
        if current.review_state in (ReviewState.APPROVED, ReviewState.RETURNED) and current.reviewed_by:
            message = gettext("This item is no longer awaiting review: %(state)s by %(who)s on %(when)s.") % {
                "state": current.get_review_state_display().lower(),
                "who": current.reviewed_by.get_full_name() or current.reviewed_by.email,
                "when": date_format(timezone.localtime(current.reviewed_at), "SHORT_DATETIME_FORMAT"),
            }
        else:
            message = gettext("This item is no longer awaiting review (%(state)s).") % {
                "state": current.get_review_state_display().lower()
            }
        raise ValidationError(message)
    publiccache.bump(item.city_id)  # an UPDATE sends no signal: the public pages are computed again
    _audit(item, user, item.review_state, new_state)
    item.review_state, item.reviewed_by, item.reviewed_at, item.review_comment = new_state, user, now, comment


def approve(*, item, user):
    """A plan owner approves a pending item: it is applied (the update to its action and
    indicators, the news item and the FAQ entry published) and its author is told."""
    from ponte.collaboration.models import Notification

    with transaction.atomic():
        _claim(item, user=user, new_state=ReviewState.APPROVED)
        _settle(item, kind=Notification.Kind.REVIEW_REQUESTED, decision=Decision.SUBMITTED)
        event = _event(item, decision=Decision.APPROVED, user=user)
        adapter_for(item).apply(item, user)
        _notify(
            recipient=author_of(item),
            item=item,
            kind=Notification.Kind.REVIEW_APPROVED,
            title=gettext("Approved · %(item)s") % {"item": _title(item)},
            event=event,
            url=review_url(item),
            actor=user,
        )
    return item


def send_back(*, item, user, comment: str):
    """A plan owner returns a pending item to its author with a comment saying what to change."""
    from ponte.collaboration.models import Notification

    comment = (comment or "").strip()
    if not comment:
        raise ValidationError(
            {"comment": gettext("Write a comment: tell the author what to change before it can be approved.")}
        )
    with transaction.atomic():
        _claim(item, user=user, new_state=ReviewState.RETURNED, comment=comment)
        _settle(item, kind=Notification.Kind.REVIEW_REQUESTED, decision=Decision.SUBMITTED)
        event = _event(item, decision=Decision.RETURNED, user=user, comment=comment)
        _notify(
            recipient=author_of(item),
            item=item,
            kind=Notification.Kind.REVIEW_RETURNED,
            title=gettext("Sent back · %(item)s") % {"item": _title(item)},
            event=event,
            url=review_url(item),
            body=comment,
            actor=user,
        )
    return item


# ---- reads -------------------------------------------------------------------------------------


@dataclass
class Entry:
    """One item in the review queue or in an author's list."""

    adapter: Adapter
    item: object

    @property
    def label(self):
        return self.adapter.label(self.item)

    @property
    def kind_label(self):
        return self.adapter.kind_label

    @property
    def url(self):
        return reverse(
            "core:review-detail", kwargs={"city": self.item.city.slug, "kind": self.adapter.key, "pk": self.item.pk}
        )

    @property
    def author(self):
        field = self.adapter.author_field
        return getattr(self.item, field) if field else None


def pending(city, *, limit: int | None = None) -> list[Entry]:
    """Every item of `city` awaiting review (the `limit` oldest), the oldest submission first."""
    entries = []
    for adapter in REGISTRY.values():
        items = (
            adapter.model.objects.for_city(city)
            .filter(review_state=ReviewState.PENDING)
            .select_related(*adapter.queue_related)
            .order_by("submitted_at", "pk")
        )
        entries += [Entry(adapter, item) for item in (items[:limit] if limit else items)]
    entries.sort(key=lambda entry: (entry.item.submitted_at or timezone.now(), entry.item.pk))
    return entries[:limit] if limit else entries


def pending_count(city) -> int:
    return sum(
        adapter.model.objects.for_city(city).filter(review_state=ReviewState.PENDING).count()
        for adapter in REGISTRY.values()
        if getattr(city, adapter.city_flag)
    )


def submitted_by(user, city, states=(ReviewState.PENDING, ReviewState.RETURNED)) -> list[Entry]:
    """The items `user` wrote or submitted that are awaiting review or were sent back (`states`),
    the returned ones first (they wait for the author), then the newest."""
    from django.db.models import Q

    entries = []
    for adapter in REGISTRY.values():
        content_type = ContentType.objects.get_for_model(adapter.model)
        mine = Q(
            pk__in=ReviewEvent.objects.filter(content_type=content_type, decision=Decision.SUBMITTED, by=user).values(
                "object_id"
            )
        )
        if adapter.author_field:
            mine |= Q(**{adapter.author_field: user})
        items = (
            adapter.model.objects.for_city(city)
            .filter(mine, review_state__in=list(states))
            .select_related("reviewed_by", *adapter.queue_related)
        )
        entries += [Entry(adapter, item) for item in items]
    return sorted(
        entries,
        key=lambda entry: (
            entry.item.review_state != ReviewState.RETURNED,
            -(entry.item.submitted_at or timezone.now()).timestamp(),
        ),
    )


def sent_back_to(user, city) -> list[Entry]:
    """The items a reviewer sent back to `user` (their author or submitter), waiting to be
    corrected, the newest first: the home's "Sent back to you"."""
    return submitted_by(user, city, states=(ReviewState.RETURNED,))
