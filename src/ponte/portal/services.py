from django.db import transaction
from django.utils.translation import gettext as _

from ponte.core import permissions, review
from ponte.core.models import Publication, ReviewState
from ponte.core.services import checked_save


def news_save(*, news, user):
    """The events officers and plan owners write the portal's news; the first author is kept.

    When the city reviews news (`City.review_news`) and the writer is not a plan owner, choosing
    "publish" sends the item for review instead: it stays a draft until a plan owner approves it
    (`ponte.core.review`), also when it changes a news item already published. A draft leaves
    the review queue."""
    if news.author_id is None and user.is_authenticated:
        news.author = user
    refusal = _("Only the events and communication officers and the plan owners write the portal's news.")
    wants_publish = news.publication == Publication.PUBLISHED
    needs_review = review.requires_review(news, user)
    if needs_review and wants_publish:
        news.publication = Publication.DRAFT
    withdrawn = not wants_publish and news.review_state in (ReviewState.PENDING, ReviewState.RETURNED)
    if not wants_publish and (needs_review or withdrawn):
        news.review_state = ReviewState.DRAFT  # a draft is not in the review queue
    with transaction.atomic():
        checked_save(news, user=user, allowed=permissions.can_manage_events(user, news.city), refusal=refusal)
        if withdrawn:
            review.withdrawn(news)
        if wants_publish and (needs_review or news.review_state != ReviewState.APPROVED):
            review.submit(item=news, user=user)
    return news
