"""An embedded object's text changed: its vector is recomputed in the background."""

from django.db.models.signals import m2m_changed, post_save

from .registry import REGISTRY
from .services import schedule_refresh


def _saved(sender, instance, raw=False, **kwargs):
    if not raw and getattr(instance, "city_id", None):
        schedule_refresh(instance.city_id)


def _alignments_changed(sender, instance, action, **kwargs):
    if action in ("post_add", "post_remove", "post_clear") and getattr(instance, "city_id", None):
        schedule_refresh(instance.city_id)


def connect():
    for entry in REGISTRY.values():
        model = entry.model
        post_save.connect(_saved, sender=model, dispatch_uid=f"embedding-{entry.label}")
        alignments = getattr(model, "alignments", None)
        if alignments is not None:
            m2m_changed.connect(
                _alignments_changed, sender=alignments.through, dispatch_uid=f"embedding-m2m-{entry.label}"
            )


connect()
