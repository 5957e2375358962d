"""Staff pages of the SDG suggestions: decide one (accept with the targets kept, or reject),
compute an object's suggestions again, the review list, and the bulk runs with their progress.
Thin: parse, call `suggestions`, say what happened."""

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views import View
from django.views.generic import FormView, ListView, TemplateView

from ponte.core import permissions
from ponte.core.views import CityMixin

from . import suggestions
from .forms import BulkForm
from .models import SDGSuggestion, SuggestionJob


def _back(request, fallback: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return fallback


class DecideView(CityMixin, View):
    """Accept a suggested goal with the targets ticked, or reject it (`decision`)."""

    permission = staticmethod(suggestions.can_decide_some)
    decision = "accept"

    def post(self, request, *args, **kwargs):
        suggestion = get_object_or_404(SDGSuggestion.objects.for_city(self.city), pk=self.kwargs["pk"])
        obj = suggestion.origin
        if obj is None:
            raise Http404
        try:
            if self.decision == "accept":
                outcome = suggestions.accept(
                    suggestion=suggestion, user=request.user, targets=request.POST.getlist("targets"), city=self.city
                )
            else:
                outcome = suggestions.reject(suggestion=suggestion, user=request.user, city=self.city)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            (messages.success if outcome.changed else messages.info)(request, outcome.message)
        return redirect(_back(request, f"{obj.get_absolute_url()}#sdg-suggestions"))


class RecomputeView(CityMixin, View):
    """Suggest goals again for an object's current text."""

    permission = staticmethod(suggestions.can_decide_some)

    def post(self, request, *args, **kwargs):
        kind = suggestions.KINDS.get(self.kwargs["kind"])
        if kind is None:
            raise Http404
        obj = get_object_or_404(kind.model._default_manager.filter(city=self.city), pk=self.kwargs["pk"])
        if not suggestions.may_decide(request.user, obj):
            raise PermissionDenied
        try:
            count = suggestions.compute(obj)
        except Exception:  # noqa: BLE001 - said on the page; the traceback goes to the log
            suggestions.logger.exception("SDG suggestions for %s %s failed", kind.label, obj.pk)
            messages.error(request, _("The suggestions could not be computed now: try again later."))
        else:
            messages.success(
                request,
                ngettext(
                    "Suggestions computed again: %(count)d goal to assess.",
                    "Suggestions computed again: %(count)d goals to assess.",
                    count,
                )
                % {"count": count},
            )
        return redirect(f"{obj.get_absolute_url()}#sdg-suggestions")


class ReviewListView(CityMixin, ListView):
    """The goals suggested and not decided yet, of the objects the person may decide on,
    filterable by kind; each accepted or rejected in place."""

    template_name = "intelligence/review_list.html"
    permission = staticmethod(suggestions.can_decide_some)
    paginate_by = 30
    title = gettext_lazy("Suggestions to assess")

    def get_kind(self):
        return suggestions.KINDS.get(self.request.GET.get("tipo", ""))

    def get_queryset(self):
        pending = SDGSuggestion.objects.for_city(self.city).filter(state=SDGSuggestion.State.PENDING)
        kind = self.get_kind()
        if kind is not None:
            pending = pending.filter(content_type=ContentType.objects.get_for_model(kind.model))
        queryset = suggestions.not_aligned_yet(suggestions.decidable(self.request.user, self.city, pending))
        return queryset.select_related("content_type").order_by("content_type_id", "object_id", "-score")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = list(context["object_list"])
        by_type = {}
        for suggestion in page:
            by_type.setdefault(suggestion.content_type, set()).add(suggestion.object_id)
        origins = {}
        for content_type, pks in by_type.items():
            model = content_type.model_class()
            for obj in model._default_manager.filter(city=self.city, pk__in=pks).select_related("city"):
                origins[(content_type.pk, obj.pk)] = obj
        items = suggestions.sdg_items(self.city)
        texts = {key: suggestions.suggestion_text(obj) for key, obj in origins.items()}
        groups = []
        for row in suggestions.rows_for(page, items, texts):
            obj = origins.get((row.suggestion.content_type_id, row.suggestion.object_id))
            if obj is None:
                continue
            if not groups or groups[-1]["obj"] is not obj:
                groups.append({"obj": obj, "kind_label": capfirst(obj._meta.verbose_name), "rows": []})
            groups[-1]["rows"].append(row)
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(
            title=self.title,
            groups=groups,
            kinds=[(slug, kind.plural) for slug, kind in suggestions.KINDS.items()],
            chosen=self.request.GET.get("tipo", ""),
            querystring=query.urlencode(),
            less_reliable=any(row.less_reliable for group in groups for row in group["rows"]),
            precision=suggestions.MEASURED_PRECISION_MULTI,
        )
        return context


class BulkView(CityMixin, FormView):
    """Start a bulk run of suggestions; the recent runs with their state."""

    template_name = "intelligence/bulk.html"
    form_class = BulkForm
    permission = staticmethod(permissions.can_manage_funds)
    title = gettext_lazy("SDG suggestions in bulk")

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"user": self.request.user, "city": self.city}

    def form_valid(self, form):
        job = suggestions.start_bulk(city=self.city, user=self.request.user, what=form.cleaned_data["what"])
        messages.success(self.request, _("Suggestions started: this page follows them."))
        return redirect("intelligence:bulk-job", city=self.city.slug, pk=job.pk)

    def get_context_data(self, **kwargs):
        jobs = suggestions.fail_stalled(SuggestionJob.objects.for_city(self.city).select_related("created_by")[:10])
        return super().get_context_data(title=self.title, jobs=jobs, labels=suggestions.BULK_KINDS, **kwargs)


class BulkJobView(CityMixin, TemplateView):
    """A bulk run's progress (the page reloads itself while it runs) and its summary."""

    template_name = "intelligence/bulk_job.html"
    permission = staticmethod(permissions.can_manage_funds)

    def get_context_data(self, **kwargs):
        job = get_object_or_404(
            SuggestionJob.objects.for_city(self.city).select_related("created_by"), pk=self.kwargs["pk"]
        )
        suggestions.fail_stalled([job])
        finished = job.status in (SuggestionJob.Status.DONE, SuggestionJob.Status.FAILED)
        return super().get_context_data(
            job=job,
            finished=finished,
            what=suggestions.BULK_KINDS.get(job.kind, job.kind),
            title=_("SDG suggestions: %(what)s") % {"what": suggestions.BULK_KINDS.get(job.kind, job.kind)},
            **kwargs,
        )
