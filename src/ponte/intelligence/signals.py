"""An embedded object's text changed: its vector is recomputed in the background. An embedded
object deleted: its vector goes with it."""

from django.db.models.signals import m2m_changed, post_delete, post_save

from .registry import REGISTRY
from .services import forget, schedule_refresh


def _saved(sender, instance, raw=False, using="default", **kwargs):
    if not raw and getattr(instance, "city_id", None):
        schedule_refresh(instance.city_id, using=using)


def _deleted(sender, instance, using="default", **kwargs):
    forget(instance)


def _alignments_changed(sender, instance, action, reverse, using="default", **kwargs):
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:
        if getattr(instance, "city_id", None):
            schedule_refresh(instance.city_id, using=using)
        return
    # From the alignment's side (item.actions.add(…)): the item's city, which its objects share.
    if getattr(instance, "city_id", None):
        schedule_refresh(instance.city_id, using=using)


def _alignment_renamed(sender, instance, raw=False, created=False, using="default", **kwargs):
    """The names of an action's alignments are part of its text."""
    if not raw and not created and getattr(instance, "city_id", None):
        schedule_refresh(instance.city_id, using=using)


def connect():
    from django.apps import apps

    post_save.connect(_alignment_renamed, sender=apps.get_model("plan.AxisItem"), dispatch_uid="embedding-axisitem")
    for entry in REGISTRY.values():
        model = entry.model
        post_save.connect(_saved, sender=model, dispatch_uid=f"embedding-{entry.label}")
        post_delete.connect(_deleted, sender=model, dispatch_uid=f"embedding-delete-{entry.label}")
        alignments = getattr(model, "alignments", None)
        if alignments is not None:
            m2m_changed.connect(
                _alignments_changed, sender=alignments.through, dispatch_uid=f"embedding-m2m-{entry.label}"
            )


connect()
