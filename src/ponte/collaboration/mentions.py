"""@mentions in comments: who a comment names, and the comment's text as HTML with them marked.

A mention is `@` followed by a username (letters, digits and `. _ @ + -`, as Django allows),
not preceded by a letter or digit (an e-mail address in the text is not a mention). Only active
staff with a role in the comment's city are mentioned; any other name stays plain text, so a
comment never tells its reader who exists elsewhere."""

import re

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.html import escape, linebreaks

MENTION = re.compile(r"(?<![\w.+@-])@([\w.@+-]*\w)")
# More names than this in one comment are left unresolved (a pasted list is not a message).
MAX_MENTIONS = 30


def mentioned_names(text: str) -> list[str]:
    """The usernames written after `@`, lowercased, each once, in order."""
    seen = {}
    for name in MENTION.findall(text):
        seen.setdefault(name.lower(), None)
    return list(seen)[:MAX_MENTIONS]


def mentionable(city):
    """The people who may be mentioned in `city`: active accounts with a role there."""
    return get_user_model().objects.filter(is_active=True, memberships__city=city).distinct()


def resolve_mentions(text: str, city) -> list:
    """The staff of `city` named in `text` (unknown names and other cities' staff are ignored)."""
    names = mentioned_names(text)
    if not names:
        return []
    matches = Q()
    for name in names:
        matches |= Q(username__iexact=name)
    return list(mentionable(city).filter(matches).order_by("username"))


def as_html(text: str, mentioned: dict) -> str:
    """`text` escaped, its line breaks kept, and the mentions of `mentioned` ({lowercased
    username: full name}) highlighted; names not in it stay as written."""

    def mark(match):
        name = match.group(1)
        full_name = mentioned.get(name.lower())
        if full_name is None:
            return match.group(0)
        return f'<strong class="ponte-mention" title="{escape(full_name)}">@{name}</strong>'

    return MENTION.sub(mark, linebreaks(escape(text), autoescape=False))
