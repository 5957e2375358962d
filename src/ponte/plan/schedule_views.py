"""Back-office pages of planned against actual (issue 17): the timeline, the plan's schedule
thresholds and a milestone's edit form (its weight shapes the expected progress)."""

from functools import partial

from django.contrib import messages
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView

from ponte.core import permissions
from ponte.core.views import FilteredListView, run_service

from . import services, timeline
from .filters import TimelineFilter
from .forms import MilestoneForm, PlanThresholdsForm
from .models import Action, Milestone
from .views import ActionEditMixin, PlanMixin


class TimelineView(PlanMixin, FilteredListView):
    """Macro areas → lines → actions of the current plan on one time scale, a page of actions
    at a time, in a constant number of queries."""

    template_name = "plan/timeline.html"
    filterset_class = TimelineFilter
    paginate_by = 60

    def base_queryset(self):
        return (
            Action.objects.for_city(self.city)
            .filter(line__macro_area__plan=self.get_plan())
            .select_related("city", "line__macro_area__plan", "owner_office")
            .prefetch_related("milestones", Prefetch("depends_on", queryset=Action.objects.select_related("city")))
            .order_by("line__macro_area__sort_key", "line__sort_key", "sort_key")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        scale, rows = timeline.rows(self.get_plan(), list(context["object_list"]), timezone.localdate())
        context.update(
            title=_("Timeline"),
            plan=self.get_plan(),
            scale=scale,
            rows=rows,
            width=timeline.WIDTH,
            heights={"action": timeline.ACTION_HEIGHT, "line": timeline.LINE_HEIGHT, "scale": timeline.SCALE_HEIGHT},
        )
        return context


class PlanThresholdsView(PlanMixin, FormView):
    """How far behind its expected progress an action may be before it is at risk, and behind
    (plan owners)."""

    template_name = "plan/form.html"
    form_class = PlanThresholdsForm
    permission = staticmethod(permissions.can_manage_plan)
    page_title = gettext_lazy("Schedule thresholds")

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"instance": self.get_plan()}

    def form_valid(self, form):
        plan = self.get_plan()
        data = form.cleaned_data
        change = partial(
            services.plan_thresholds_set,
            plan=plan,
            user=self.request.user,
            at_risk_gap=data["rag_at_risk_gap"],
            behind_gap=data["rag_behind_gap"],
        )
        if run_service(form, change) is None:
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Schedule thresholds saved: at risk beyond %(at_risk)s points, behind beyond %(behind)s.")
            % {"at_risk": plan.rag_at_risk_gap, "behind": plan.rag_behind_gap},
        )
        return redirect("plan:overview", city=self.city.slug)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            title=_("Schedule thresholds of %(plan)s") % {"plan": self.get_plan().title}, **kwargs
        )


class MilestoneEditView(ActionEditMixin, FormView):
    """A milestone's title, due date and weight."""

    template_name = "plan/form.html"
    form_class = MilestoneForm

    def get_milestone(self):
        return get_object_or_404(Milestone.objects.filter(action=self.get_action()), pk=self.kwargs["pk"])

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"instance": self.get_milestone()}

    def form_valid(self, form):
        milestone = self.get_milestone()
        data = form.cleaned_data
        change = partial(services.milestone_edit, milestone=milestone, user=self.request.user, **data)
        if run_service(form, change) is None:
            return self.form_invalid(form)
        messages.success(self.request, _("Milestone saved: %(item)s.") % {"item": milestone})
        return super().form_valid(form)

    def get_context_data(self, **kwargs):
        milestone = self.get_milestone()
        return super().get_context_data(
            title=_("Edit the milestone “%(title)s” · %(action)s")
            % {"title": milestone.title, "action": milestone.action.code},
            **kwargs,
        )
