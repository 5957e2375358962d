from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.db import models
from django.utils.translation import gettext_lazy as _

from ponte.core.models import CityScopedModel


class Embedding(CityScopedModel):
    """The vector of one object's text (an action, a call, a project, …) in the embedding model's
    space: computed once, in the background, and again only when the text changes (`text_hash`)."""

    content_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    origin = GenericForeignKey("content_type", "object_id")
    model = models.CharField(max_length=60)
    text_hash = models.CharField(max_length=64)
    vector = models.BinaryField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("embedding")
        verbose_name_plural = _("embeddings")
        constraints = [
            models.UniqueConstraint(fields=["content_type", "object_id", "model"], name="embedding_once_per_model")
        ]
        indexes = [models.Index(fields=["city", "content_type", "model"])]

    def __str__(self):
        return f"{self.content_type_id}:{self.object_id}"


class SDGSuggestion(CityScopedModel):
    """A goal of the 2030 Agenda that the classifier suggests for an object's text, with its most
    likely targets and the passages that support it; staff accept it (it becomes an alignment) or
    reject it, and who decided and when is kept."""

    class State(models.TextChoices):
        PENDING = "pending", _("To assess")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")

    content_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    origin = GenericForeignKey("content_type", "object_id")
    goal = models.PositiveSmallIntegerField(_("goal"))
    score = models.FloatField(_("score"))
    # [{"code": "11.2", "score": 0.61}, …], best first: the two or three most likely targets.
    targets = models.JSONField(_("targets"), default=list, blank=True)
    # ["…the words or passage that support the goal…", …]
    evidence = models.JSONField(_("evidence"), default=list, blank=True)
    # The targets staff kept when accepting (codes), which became alignments with the goal.
    accepted_targets = models.JSONField(_("accepted targets"), default=list, blank=True)
    text_hash = models.CharField(max_length=64, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("SDG suggestion")
        verbose_name_plural = _("SDG suggestions")
        ordering = ["-score"]
        constraints = [
            models.UniqueConstraint(fields=["content_type", "object_id", "goal"], name="sdg_suggestion_once_per_goal"),
            models.CheckConstraint(name="sdg_suggestion_goal_1_17", condition=models.Q(goal__gte=1, goal__lte=17)),
        ]
        indexes = [models.Index(fields=["city", "state"])]

    def __str__(self):
        return f"SDG {self.goal} ({self.score:.2f})"


class SuggestionJob(CityScopedModel):
    """A bulk run of SDG suggestions over imported projects and calls (or any set of objects): a
    background job with its progress, ending done or failed with its reason."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Completed")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("what"), max_length=40)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    suggested = models.PositiveIntegerField(_("suggestions made"), default=0)
    message = models.TextField(_("result"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("suggestion run")
        verbose_name_plural = _("suggestion runs")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.kind} {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return min(99, int(self.done * 100 / self.total)) if self.total else 0


class SuggestedText(CityScopedModel):
    """The text of an object as it was when its SDG suggestions were last computed: the panel
    computes them once per text, offers to compute them again when the text changed, and keeps
    a rejected goal away from the same text even when nothing was suggested."""

    content_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    text_hash = models.CharField(max_length=64)
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        verbose_name = _("text with SDG suggestions")
        verbose_name_plural = _("texts with SDG suggestions")
        constraints = [
            models.UniqueConstraint(fields=["content_type", "object_id"], name="suggested_text_once_per_object")
        ]

    def __str__(self):
        return f"{self.content_type_id}:{self.object_id}"
