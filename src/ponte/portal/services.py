from django.utils.translation import gettext as _

from ponte.core import permissions
from ponte.core.services import checked_save


def news_save(*, news, user):
    """Plan owners write the portal's news; the first author is kept."""
    if news.author_id is None and user.is_authenticated:
        news.author = user
    refusal = _("Only the events and communication officers and the plan owners write the portal's news.")
    return checked_save(news, user=user, allowed=permissions.can_manage_events(user, news.city), refusal=refusal)
