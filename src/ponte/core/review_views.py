"""The back office's review pages (issue 17, rules in `ponte.core.review`): the plan owners' queue
"To review", one item as it will be published with its history and the decision, the authors'
"My items in review", and the administrators' choice of what the city reviews."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from . import permissions, review
from .forms import StyledFormMixin
from .models import City, Membership, ReviewState
from .services import acting_as
from .views import CityMixin

Role = Membership.Role
# The roles whose content may wait for review: office editors (updates), events officers (news),
# the Europe Direct desk (FAQ entries).
AUTHOR_ROLES = {Role.OFFICE_EDITOR, Role.EVENTS_OFFICER, Role.EUROPE_DIRECT}


def can_see_own_reviews(user, city) -> bool:
    """The authors' list: the roles whose content waits, and the administrators (who open every
    page of the back office); plan owners publish directly and have nothing waiting."""
    return permissions.role(user, city) in AUTHOR_ROLES | {Role.ADMINISTRATOR}


class SendBackForm(StyledFormMixin, forms.Form):
    comment = forms.CharField(
        label=_("Comment for the author"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        help_text=_("Required to send it back: say what to correct."),
        error_messages={"required": _("Write a comment: tell the author what to change before it can be approved.")},
    )


class ReviewQueueView(CityMixin, TemplateView):
    """What waits for a plan owner's approval, the oldest first."""

    template_name = "core/review/queue.html"
    permission = staticmethod(review.can_review)

    def get_context_data(self, **kwargs):
        return super().get_context_data(entries=review.pending(self.city), **kwargs)


class MyReviewsView(CityMixin, TemplateView):
    """An author's items awaiting review or sent back, with the reviewer's comment."""

    template_name = "core/review/mine.html"
    permission = staticmethod(can_see_own_reviews)

    def get_context_data(self, **kwargs):
        return super().get_context_data(entries=review.submitted_by(self.request.user, self.city), **kwargs)


class ReviewDetailView(CityMixin, TemplateView):
    """One item as the public will see it, its review history and, for a plan owner while it is
    pending, "Approve" and "Send back" (with a comment). Its author sees it too, read only."""

    template_name = "core/review/detail.html"

    def get_item(self):
        if not hasattr(self, "_entry"):
            adapter = review.REGISTRY.get(self.kwargs["kind"])
            if adapter is None:
                raise Http404
            queryset = adapter.model.objects.for_city(self.city).select_related("reviewed_by", *adapter.queue_related)
            item = get_object_or_404(queryset, pk=self.kwargs["pk"])
            user = self.request.user
            if not review.can_review(user, self.city):
                author = review.author_of(item)
                if author is None or author.pk != user.pk:
                    raise PermissionDenied
            self._entry = review.Entry(adapter, item)
        return self._entry

    def post(self, request, *args, **kwargs):
        entry = self.get_item()
        item = entry.item
        form = None
        try:
            if "approve" in request.POST:
                review.approve(item=item, user=request.user)
                messages.success(request, gettext("Approved and published: %(item)s.") % {"item": entry.label})
                return redirect("core:review-queue", city=self.city.slug)
            form = SendBackForm(request.POST)
            if not form.is_valid():
                return self.render_to_response(self.get_context_data(form=form), status=400)
            review.send_back(item=item, user=request.user, comment=form.cleaned_data["comment"])
            messages.success(
                request, gettext("Sent back to its author with your comment: %(item)s.") % {"item": entry.label}
            )
            return redirect("core:review-queue", city=self.city.slug)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(request.path)

    def get_context_data(self, **kwargs):
        entry = self.get_item()
        item = entry.item
        is_reviewer = review.can_review(self.request.user, self.city)
        kwargs.setdefault("form", SendBackForm())
        context = {
            "entry": entry,
            "kind_label": entry.kind_label,  # `entry` names the menu's entry in the breadcrumbs
            "item": item,
            "title": f"{entry.kind_label}: {entry.label}",
            "history": review.history(item),
            "can_decide": is_reviewer and item.review_state == ReviewState.PENDING,
            "is_reviewer": is_reviewer,
            "edit_url": entry.adapter.edit_url(item),
            "public_url": entry.adapter.public_url(item) if item.review_state == ReviewState.APPROVED else "",
            "content_template": entry.adapter.template,
        }
        context.update(self.content_context(entry))
        return super().get_context_data(**context, **kwargs)

    def content_context(self, entry) -> dict:
        """What the content's template needs beyond the item: the news body as published, the
        update's indicator values and the action as it stands (to compare)."""
        item = entry.item
        if entry.adapter.key == "notizia":
            from ponte.participation.newsletter import rich_text

            return {"body": rich_text(item.body)}
        if entry.adapter.key == "aggiornamento":
            values = item.values.select_related("indicator").order_by("indicator__code", "indicator__pk")
            return {"action": item.action, "values": values}
        return {}


class ReviewSettingsForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = City
        fields = ["review_updates", "review_news", "review_faq"]


class ReviewSettingsView(CityMixin, TemplateView):
    """The administrators choose which kinds of content wait for a plan owner's approval."""

    template_name = "core/review/settings.html"
    permission = staticmethod(permissions.can_manage_users)

    def post(self, request, *args, **kwargs):
        form = ReviewSettingsForm(request.POST, instance=self.city)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        with acting_as(request.user):
            form.save()
        chosen = [str(form.fields[name].label) for name in form.Meta.fields if form.cleaned_data[name]]
        if chosen:
            kinds = "; ".join(chosen)
            messages.success(request, gettext("Saved. Reviewed before publication: %(kinds)s.") % {"kinds": kinds})
        else:
            messages.success(request, gettext("Saved. Nothing is reviewed: staff publish directly."))
        return redirect(reverse("core:review-settings", kwargs={"city": self.city.slug}))

    def get_context_data(self, **kwargs):
        kwargs.setdefault("form", ReviewSettingsForm(instance=self.city))
        return super().get_context_data(**kwargs)
