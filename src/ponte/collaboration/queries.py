"""Reads of the collaboration app: a person's notifications, an item's comments."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Prefetch

from .mentions import mentionable
from .models import Comment, Notification


def notifications_of(user, city, *, unread_only: bool = False):
    found = Notification.objects.for_city(city).filter(recipient=user).select_related("actor")
    return found.filter(read_at__isnull=True) if unread_only else found


def unread_count(user, city) -> int:
    """The bell's number: one COUNT over the (recipient, read_at) index."""
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(city=city, recipient=user, read_at__isnull=True).count()


def comments_on(item):
    """The comments on `item`, oldest first, with their authors and the people they mention."""
    from django.contrib.auth import get_user_model

    people = get_user_model().objects.only("username", "first_name", "last_name")
    return (
        Comment.objects.filter(content_type=ContentType.objects.get_for_model(item), object_id=item.pk)
        .select_related("author")
        .prefetch_related(Prefetch("mentions", queryset=people))
    )


def mention_candidates(city, search: str, *, limit: int = 10):
    """Staff of `city` whose username or name starts a word with `search`, for the @ picker."""
    from django.db.models import Q

    found = mentionable(city)
    for word in search.split()[:3]:
        found = found.filter(
            Q(username__istartswith=word) | Q(first_name__istartswith=word) | Q(last_name__istartswith=word)
        )
    return found.order_by("last_name", "first_name", "username").only("username", "first_name", "last_name")[:limit]
