from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntelligenceConfig(AppConfig):
    """Meaning, not words: multilingual embeddings of the plan, the portfolio and the calls (stored
    once per text), SDG suggestions, ranking of calls and partners, semantic search."""

    name = "ponte.intelligence"
    label = "intelligence"
    verbose_name = _("Suggestions and semantic search")

    def ready(self):
        from . import signals  # noqa: F401  (recompute an embedding when its text changes)
