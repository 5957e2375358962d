"""The staff's comments on an item, the notification centre and the e-mail preference."""

from django.apps import apps
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, ListView, View

from ponte.core.views import CityMixin, run_service

from . import queries, services
from .delivery import choice_of
from .forms import CommentForm, PreferenceForm, mention_example
from .models import Comment, Notification, NotificationPreference

# What may be commented, by the name its address uses.
COMMENTED = {
    "azione": "plan.Action",
    "indicatore": "plan.Indicator",
    "progetto": "funding.Project",
    "riunione": "governance.Meeting",
}
KIND_OF_MODEL = {label.lower(): kind for kind, label in COMMENTED.items()}


def commented_kind(item) -> str:
    return KIND_OF_MODEL[item._meta.label_lower]


class CommentedItemMixin:
    def get_item(self):
        label = COMMENTED.get(self.kwargs["kind"])
        if label is None:
            raise Http404
        return get_object_or_404(apps.get_model(label).objects.for_city(self.city), pk=self.kwargs["pk"])


class CommentAddView(CommentedItemMixin, CityMixin, FormView):
    """Post a comment on an item of the city (anyone who reads the city's back office)."""

    form_class = CommentForm
    template_name = "plan/form.html"
    page_title = gettext_lazy("Comment")
    http_method_names = ["post"]

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"example": mention_example(self.request.user)}

    def form_valid(self, form):
        item = self.get_item()
        text = form.cleaned_data["text"]
        comment = run_service(form, lambda: services.comment_add(item=item, user=self.request.user, text=text))
        if comment is None:
            return self.form_invalid(form)
        mentioned = [person for person in comment.mentions.all() if person.pk != self.request.user.pk]
        if mentioned:
            names = ", ".join(person.get_full_name() or person.get_username() for person in mentioned)
            messages.success(self.request, _("Comment added; notified: %(people)s.") % {"people": names})
        else:
            messages.success(self.request, _("Comment added."))
        return redirect(services.comment_url(comment, item))

    def form_invalid(self, form):
        self.get_item()
        return self.render_to_response(self.get_context_data(form=form, title=_("Your comment was not added")))


class CommentDeleteView(CityMixin, View):
    def post(self, request, *args, **kwargs):
        comment = get_object_or_404(Comment.objects.for_city(self.city), pk=kwargs["pk"])
        item_url = comment.item.get_absolute_url()
        try:
            services.comment_delete(comment=comment, user=request.user)
        except PermissionDenied as refusal:
            messages.error(request, str(refusal))
            return redirect(f"{item_url}#commento-{comment.pk}")
        messages.success(request, _("Comment deleted."))
        return redirect(f"{item_url}#commenti")


class MentionCandidatesView(CommentedItemMixin, CityMixin, View):
    """The @ picker's suggestions for a comment on an item: the city's staff matching what was
    typed (JSON)."""

    def get(self, request, *args, **kwargs):
        self.get_item()
        search = request.GET.get("q", "").strip()[:50]
        people = queries.mention_candidates(self.city, search)
        return JsonResponse(
            {
                "results": [
                    {"username": person.get_username(), "name": person.get_full_name() or person.get_username()}
                    for person in people
                ]
            }
        )


class NotificationListView(CityMixin, ListView):
    """The signed-in person's notifications in this city, newest first."""

    template_name = "collaboration/notification_list.html"
    paginate_by = 25

    def get_queryset(self):
        self.unread_only = self.request.GET.get("mostra") == "da-leggere"
        return queries.notifications_of(self.request.user, self.city, unread_only=self.unread_only)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            unread_only=self.unread_only,
            email_choice=NotificationPreference(email=choice_of(self.request.user)).get_email_display(),
            **kwargs,
        )


def _own(request, city, pk) -> Notification:
    return get_object_or_404(Notification.objects.for_city(city), pk=pk, recipient=request.user)


def safe_link(url: str) -> str | None:
    """A notification's link when it is an address of this site (a path), else None."""
    if not url.startswith("/") or url.startswith("//") or "\\" in url:
        return None
    if any(character.isspace() or ord(character) < 32 for character in url):
        return None  # a browser drops tabs and line breaks: "/\t/evil.example" would become "//evil.example"
    return url if url_has_allowed_host_and_scheme(url, allowed_hosts=None) else None


class NotificationOpenView(CityMixin, View):
    """Mark the notification read and go to what it is about (only an address of this site)."""

    def get(self, request, *args, **kwargs):
        notification = _own(request, self.city, kwargs["pk"])
        services.mark_read(notification=notification)
        link = safe_link(notification.url)
        if link is None:
            messages.info(request, _("This notification has no page to open."))
            return redirect("collaboration:notifications", city=self.city.slug)
        return redirect(link)


class NotificationReadView(CityMixin, View):
    def post(self, request, *args, **kwargs):
        notification = _own(request, self.city, kwargs["pk"])
        services.mark_read(notification=notification)
        messages.success(request, _("Marked as read: %(title)s.") % {"title": notification.title})
        return redirect(_back_to_list(request, self.city))


class NotificationReadAllView(CityMixin, View):
    def post(self, request, *args, **kwargs):
        count = services.mark_all_read(user=request.user, city=self.city)
        messages.success(request, _("%(count)d notification(s) marked as read.") % {"count": count})
        return redirect(_back_to_list(request, self.city))


def _back_to_list(request, city) -> str:
    from django.urls import reverse

    url = reverse("collaboration:notifications", kwargs={"city": city.slug})
    query = request.POST.get("query", "")
    return f"{url}?{query}" if query and safe_link(f"{url}?{query}") else url


class PreferenceView(CityMixin, FormView):
    template_name = "collaboration/preferences.html"
    form_class = PreferenceForm

    def get_form_kwargs(self):
        instance = NotificationPreference(user=self.request.user, email=choice_of(self.request.user))
        return super().get_form_kwargs() | {"instance": instance}

    def form_valid(self, form):
        try:
            preference = services.set_email_choice(user=self.request.user, email=form.cleaned_data["email"])
        except ValidationError as error:
            form.add_error("email", error.message_dict["email"])
            return self.form_invalid(form)
        messages.success(
            self.request, _("Notifications by e-mail: %(choice)s.") % {"choice": preference.get_email_display()}
        )
        return redirect("collaboration:preferences", city=self.city.slug)
