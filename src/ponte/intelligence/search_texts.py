"""The texts by which the portal's other public kinds are searched by meaning (relations, news,
events): the same words a person reads on their pages. Kind labels are written in both languages,
so the text, hence its vector, does not depend on the language of the process computing it."""

from django.utils import translation


def _join(*parts) -> str:
    return "\n".join(str(part).strip() for part in parts if part and str(part).strip())


def _both_languages(label) -> str:
    with translation.override("it"):
        italian = str(label)
    with translation.override("en"):
        english = str(label)
    return italian if italian == english else f"{italian} / {english}"


def relation_text(relation) -> str:
    partner = relation.partner
    names = [partner.name] + ([partner.name_en] if partner.name_en and partner.name_en != partner.name else [])
    themes = "; ".join(theme.name for theme in relation.themes.all())
    return _join(" / ".join(names), _both_languages(relation.get_kind_display()), relation.description, themes)


def news_text(news) -> str:
    return _join(news.title, news.summary, news.body)


def event_text(event) -> str:
    return _join(event.title, event.description, event.venue)
