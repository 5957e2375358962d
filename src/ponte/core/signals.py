from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.signals import m2m_changed, post_save
from django.dispatch import receiver
from django.utils.translation import gettext as _

from .models import CityScopedModel, FollowUp


@receiver(m2m_changed)
def refuse_links_across_cities(sender, instance, action, model, pk_set, reverse, **kwargs):
    """A many-to-many link between rows of two cities is refused before it is written."""
    if action != "pre_add" or not pk_set:
        return
    if not isinstance(instance, CityScopedModel) or not issubclass(model, CityScopedModel):
        return
    foreign = model._base_manager.filter(pk__in=pk_set).exclude(city_id=instance.city_id)
    if foreign.exists():
        raise ValidationError(
            _("Cannot link %(item)s to rows of another city: %(rows)s")
            % {"item": instance, "rows": ", ".join(str(row) for row in foreign[:5])}
        )


@receiver(post_save, sender=FollowUp)
def tell_the_new_owner(sender, instance, raw=False, **kwargs):
    """Whatever page gives a follow-up to someone (a mission, a meeting, the admin), its owner
    is mailed once the change is committed; `notify_follow_up_owner` mails each owner once."""
    if raw or not instance.owner_id or instance.owner_id == instance.notified_owner_id:
        return
    from .services import notify_follow_up_owner

    transaction.on_commit(lambda: notify_follow_up_owner(instance))
