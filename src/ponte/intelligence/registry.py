"""What is embedded, and the text of each object that its vector stands for.

Each entry names a model and says how to read its text (`text`) and which related rows that text
needs (`related`, `prefetch`), so a whole city's objects are read in a few queries. A part of Ponte
that wants its objects searched or ranked by meaning adds an entry here."""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.apps import apps

from . import search_texts


def _join(*parts) -> str:
    return "\n".join(str(part).strip() for part in parts if part and str(part).strip())


def _alignment_names(obj) -> list[str]:
    names = []
    for item in obj.alignments.all():
        names.append(item.name)
        if item.name_en and item.name_en != item.name:
            names.append(item.name_en)
    return names


def action_text(action) -> str:
    return _join(action.title, action.description, "; ".join(_alignment_names(action)))


def indicator_text(indicator) -> str:
    return _join(indicator.name, indicator.description)


def project_text(project) -> str:
    return _join(project.title, project.description, project.measure_name, project.submeasure_name)


def call_text(call) -> str:
    return _join(call.title, call.description, call.keywords)


@dataclass(frozen=True)
class Entry:
    label: str  # app_label.ModelName
    text: Callable[[object], str]
    related: tuple[str, ...] = ()
    prefetch: tuple[str, ...] = field(default_factory=tuple)

    @property
    def model(self):
        return apps.get_model(self.label)

    def queryset(self, city=None):
        queryset = self.model._default_manager.all()
        if city is not None:
            queryset = queryset.filter(city=city)
        if self.related:
            queryset = queryset.select_related(*self.related)
        if self.prefetch:
            queryset = queryset.prefetch_related(*self.prefetch)
        return queryset


REGISTRY: dict[str, Entry] = {
    entry.label: entry
    for entry in (
        Entry("plan.Action", action_text, prefetch=("alignments",)),
        Entry("plan.Indicator", indicator_text),
        Entry("funding.Project", project_text),
        Entry("funding.Call", call_text),
        # The portal's other public kinds, searched by meaning too (see intelligence/search.py).
        Entry("diplomacy.Relation", search_texts.relation_text, related=("partner",), prefetch=("themes",)),
        Entry("portal.News", search_texts.news_text),
        Entry("participation.Event", search_texts.event_text),
    )
}


def entry_for(obj_or_model) -> Entry | None:
    meta = obj_or_model._meta
    return REGISTRY.get(f"{meta.app_label}.{meta.object_name}")
