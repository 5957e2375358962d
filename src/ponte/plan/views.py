"""Back-office and overview pages of the plan. Thin: parse, call a query or service, render."""

from functools import partial

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.generic import FormView, TemplateView

from ponte.core import permissions
from ponte.core.exports import Column, workbook_response
from ponte.core.importing import ImportFailed, RowError
from ponte.core.queries import audit_history
from ponte.core.views import CityMixin, ExportableListView, edit_title, run_service, saved_message

from . import cycles, queries, schedule, services, spreadsheets
from .filters import ActionFilter, IndicatorFilter, MilestoneFilter
from .forms import (
    ActionCreateForm,
    ActionForm,
    DocumentForm,
    IndicatorForm,
    IndicatorTargetForm,
    IndicatorValueForm,
    LineForm,
    MacroAreaForm,
    MilestoneDoneForm,
    MilestoneForm,
    WorkbookForm,
)
from .models import (
    Action,
    Axis,
    AxisItem,
    Indicator,
    Line,
    MacroArea,
    Milestone,
    WorkbookUpload,
)


class PlanMixin(CityMixin):
    def get_plan(self):
        plan = queries.current_plan(self.city)
        if plan is None:
            raise Http404(_("This city has no plan yet."))
        return plan


class OverviewView(PlanMixin, TemplateView):
    """The whole plan with the progress of every level, drafts included (staff; the public
    reads the portal's plan page)."""

    template_name = "plan/overview.html"

    def get_context_data(self, **kwargs):
        plan = self.get_plan()
        rollup = queries.rollup(plan)
        macro_areas = list(queries.plan_tree(plan))
        for macro in macro_areas:
            macro.progress = rollup.macro_areas.get(macro.pk)
            for line in macro.lines.all():
                line.progress = rollup.lines.get(line.pk)
        today = timezone.localdate()
        schedule.attach([a for m in macro_areas for line in m.lines.all() for a in line.first_actions], today)
        return super().get_context_data(
            plan=plan,
            rollup=rollup,
            schedule_counts=schedule.rag_counts(Action.objects.filter(line__macro_area__plan=plan), today),
            macro_areas=macro_areas,
            axes=Axis.objects.for_city(self.city),
            notes=self.city_notes(),
            **kwargs,
        )

    def city_notes(self):
        from ponte.core.models import DatasetNote

        return DatasetNote.objects.for_city(self.city)


def _assessed(action):
    """The action's computed status, once per exported row."""
    if not hasattr(action, "schedule"):
        action.schedule = schedule.assess(action, timezone.localdate())
    return action.schedule


ACTION_COLUMNS = [
    Column(gettext_lazy("Code"), lambda a: a.code),
    Column(gettext_lazy("Title"), lambda a: a.title),
    Column(gettext_lazy("Macro area"), lambda a: a.line.macro_area.title),
    Column(gettext_lazy("Line"), lambda a: a.line.title),
    Column(gettext_lazy("Status"), lambda a: a.get_status_display()),
    Column(gettext_lazy("Progress (%)"), lambda a: a.progress),
    # Planned against actual (issue 17), from the milestones the list's queryset prefetches.
    Column(pgettext_lazy("planned against actual", "Schedule"), lambda a: str(_assessed(a).label)),
    Column(gettext_lazy("Expected progress today (%)"), lambda a: _assessed(a).expected),
    Column(pgettext_lazy("planned against actual", "Why"), lambda a: _assessed(a).reason),
    Column(gettext_lazy("Start"), lambda a: a.start_date),
    Column(gettext_lazy("End"), lambda a: a.end_date),
    Column(gettext_lazy("Owning office"), lambda a: a.owner_office or ""),
    Column(gettext_lazy("Responsible"), lambda a: a.responsible or ""),
    Column(gettext_lazy("Alignment"), lambda a: "; ".join(item.label for item in a.alignments.all())),
    Column(gettext_lazy("Source in the plan"), lambda a: a.source),
]


class ActionListView(ExportableListView):
    template_name = "plan/action_list.html"
    filterset_class = ActionFilter
    export_columns = ACTION_COLUMNS
    export_name = "azioni"
    title = gettext_lazy("Actions")

    def base_queryset(self):
        return queries.action_list(self.city)

    def get_queryset(self):
        # Each action's computed status reads its milestones: one query for the page or the export.
        return super().get_queryset().prefetch_related("milestones")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(title=self.title, **kwargs)
        schedule.attach(context["object_list"], timezone.localdate())  # the computed status of the page's actions
        return context


class MyActionsView(ActionListView):
    title = gettext_lazy("My actions")

    def base_queryset(self):
        return queries.action_list(self.city).owned_by(self.request.user)


class DueActionsView(ActionListView):
    """The updates to write: running actions without the update of the last period ended under
    their reporting cycle."""

    template_name = "plan/due_actions.html"
    export_name = "aggiornamenti-da-scrivere"

    title = gettext_lazy("Updates due")

    def base_queryset(self):
        return queries.actions_due_update(self.city)

    def get_context_data(self, **kwargs):
        """Each action of the page with the update it owes: period, due date, late, its form."""
        context = super().get_context_data(show_owed=True, **kwargs)
        page = list(context["object_list"])
        today = timezone.localdate()
        owing = queries.updates_owed(Action.objects.filter(pk__in=[a.pk for a in page]).with_tree(), today)
        for action in page:
            if action.pk in owing:
                period, due = owing[action.pk]
                action.owed_period, action.owed_due, action.owed_late = period.label, due, due < today
                action.owed_url = reverse(
                    "plan:update-edit",
                    kwargs={"city": self.city.slug, "code": action.code} | cycles.period_url_kwargs(period),
                )
        return context


MILESTONE_COLUMNS = [
    Column(gettext_lazy("Milestone"), lambda m: m.title),
    Column(gettext_lazy("Action"), lambda m: m.action.code),
    Column(gettext_lazy("Action title"), lambda m: m.action.title),
    Column(gettext_lazy("Due"), lambda m: m.due_date),
    Column(gettext_lazy("Weight"), lambda m: m.weight),
    Column(gettext_lazy("Owning office"), lambda m: m.action.owner_office or ""),
    Column(gettext_lazy("Responsible"), lambda m: m.action.responsible or ""),
]


class OverdueMilestonesView(ExportableListView):
    template_name = "plan/milestone_list.html"
    filterset_class = MilestoneFilter
    export_columns = MILESTONE_COLUMNS
    export_name = "traguardi-scaduti"

    def base_queryset(self):
        return queries.overdue_milestones(self.city)


class ActionMixin(PlanMixin):
    def get_action(self):
        if not hasattr(self, "_action"):
            try:
                self._action = queries.action_detail(self.city, self.kwargs["code"])
            except Action.DoesNotExist:
                raise Http404 from None
        return self._action

    def get_context_data(self, **kwargs):
        action = self.get_action()
        return super().get_context_data(
            action=action, can_edit=permissions.can_edit_action(self.request.user, action), **kwargs
        )


class ActionDetailView(ActionMixin, TemplateView):
    template_name = "plan/action_detail.html"

    def get_context_data(self, **kwargs):
        action = self.get_action()
        return super().get_context_data(
            history=audit_history(action, action.milestones.all(), action.updates.all(), action.documents.all()),
            reporting=reporting_of(action, timezone.localdate()),
            milestone_form=MilestoneForm(),
            done_form=MilestoneDoneForm(),
            document_form=DocumentForm(),
            **kwargs,
        )


def reporting_of(action, today):
    """Which reporting cycle applies to the action, where it is set, and its next update due."""
    from . import cycles

    cycle = cycles.cycle_for(action)
    reported = [(u.year, u.period) for u in action.updates.all() if u.cadence == cycle.cadence]
    period, due = cycles.next_due(cycle, today, reported, action)
    return {
        "cycle": cycle,
        "level": cycles.level_label(cycle),
        "period": period,
        "due": due,
        "late": cycles.is_late(cycle, period, today),
        "update": next((u for u in action.updates.all() if u.period_obj == period), None),
    }


class EditGuardMixin:
    """Form pages that change an item: refused (403) unless `may_edit()` says yes."""

    def may_edit(self) -> bool:
        raise NotImplementedError

    def get(self, request, *args, **kwargs):
        if not self.may_edit():
            raise PermissionDenied
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if not self.may_edit():
            raise PermissionDenied
        return super().post(request, *args, **kwargs)


class ActionEditMixin(EditGuardMixin, ActionMixin):
    def may_edit(self):
        return permissions.can_edit_action(self.request.user, self.get_action())

    def get_success_url(self):
        return self.get_action().get_absolute_url()


class ActionEditView(ActionEditMixin, FormView):
    template_name = "plan/form.html"
    form_class = ActionForm

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {
            "instance": self.get_action(),
            "city": self.city,
            "can_manage_plan": permissions.can_manage_plan(self.request.user, self.city),
        }

    def form_valid(self, form):
        if (
            run_service(form, partial(services.action_save, action=form.save(commit=False), user=self.request.user))
            is None
        ):
            return self.form_invalid(form)
        form.save_m2m()
        messages.success(self.request, saved_message(form.instance))
        # A redirect without a fragment keeps the form's own (`#id_depends_on` of "Change the
        # dependencies"), absent from the action's page: name one there.
        place = "dependencies-heading" if "depends_on" in form.changed_data else "main"
        return HttpResponseRedirect(f"{self.get_success_url()}#{place}")

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=edit_title(self.get_action()), **kwargs)


class ActionCreateView(PlanMixin, FormView):
    """A new action under a line (plan owners)."""

    template_name = "plan/form.html"
    form_class = ActionCreateForm
    permission = staticmethod(permissions.can_manage_plan)

    def get_line(self):
        return get_object_or_404(Line.objects.for_city(self.city), pk=self.kwargs["pk"])

    def get_form_kwargs(self):
        line = self.get_line()
        instance = Action(city=self.city, line=line)
        return super().get_form_kwargs() | {"instance": instance, "city": self.city, "can_manage_plan": True}

    def form_valid(self, form):
        action = run_service(
            form, partial(services.action_save, action=form.save(commit=False), user=self.request.user)
        )
        if action is None:
            return self.form_invalid(form)
        form.save_m2m()
        messages.success(self.request, saved_message(form.instance))
        return redirect(action)

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=_("New action in %(line)s") % {"line": self.get_line()}, **kwargs)


class MilestoneAddView(ActionEditMixin, FormView):
    template_name = "plan/form.html"
    page_title = gettext_lazy("New milestone")
    form_class = MilestoneForm

    def form_valid(self, form):
        add = partial(services.milestone_add, action=self.get_action(), user=self.request.user, **form.cleaned_data)
        if run_service(form, add) is None:
            return self.form_invalid(form)
        messages.success(self.request, _("Milestone added to %(item)s.") % {"item": self.get_action()})
        return super().form_valid(form)


class MilestoneDoneView(ActionEditMixin, FormView):
    template_name = "plan/form.html"
    page_title = gettext_lazy("Milestone reached")
    form_class = MilestoneDoneForm

    def form_valid(self, form):
        milestone = get_object_or_404(Milestone, pk=self.kwargs["pk"], action=self.get_action())
        services.milestone_complete(
            milestone=milestone, user=self.request.user, done_date=form.cleaned_data["done_date"]
        )
        messages.success(self.request, _("Milestone done: %(item)s.") % {"item": milestone})
        return super().form_valid(form)


class DocumentAddView(ActionEditMixin, FormView):
    template_name = "plan/form.html"
    page_title = gettext_lazy("Attach a document")
    form_class = DocumentForm

    def form_valid(self, form):
        services.document_attach(action=self.get_action(), user=self.request.user, **form.cleaned_data)
        messages.success(self.request, _("Document attached to %(item)s.") % {"item": self.get_action()})
        return super().form_valid(form)


class NodeEditView(PlanMixin, FormView):
    """Title, description, weight and alignment of a macro area or line (plan owners)."""

    template_name = "plan/form.html"
    permission = staticmethod(permissions.can_manage_plan)
    model = None

    def get_object(self):
        return get_object_or_404(self.model.objects.for_city(self.city), pk=self.kwargs["pk"])

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"instance": self.get_object(), "city": self.city}

    def form_valid(self, form):
        item = form.save()
        messages.success(self.request, saved_message(item))
        return redirect("plan:overview", city=self.city.slug)

    def get_context_data(self, **kwargs):
        item = self.get_object()
        return super().get_context_data(title=edit_title(item), history=audit_history(item), **kwargs)


class MacroAreaEditView(NodeEditView):
    model, form_class = MacroArea, MacroAreaForm


class LineEditView(NodeEditView):
    model, form_class = Line, LineForm


INDICATOR_COLUMNS = [
    Column(gettext_lazy("Code"), lambda i: i.code),
    Column(gettext_lazy("Name"), lambda i: i.localized_name),
    Column(gettext_lazy("Kind"), lambda i: i.get_kind_display()),
    Column(gettext_lazy("Unit"), lambda i: i.unit),
    Column(gettext_lazy("Level"), lambda i: i.level),
    Column(gettext_lazy("Baseline"), lambda i: i.baseline_value),
    Column(gettext_lazy("Baseline date"), lambda i: i.baseline_date),
    Column(gettext_lazy("Latest value"), lambda i: i.latest_value.value if i.latest_value else None),
    Column(gettext_lazy("Source in the plan"), lambda i: i.source),
]


class IndicatorListView(ExportableListView):
    template_name = "plan/indicator_list.html"
    filterset_class = IndicatorFilter
    export_columns = INDICATOR_COLUMNS
    export_name = "indicatori"

    def base_queryset(self):
        return queries.indicator_list(self.city)


class IndicatorMixin(PlanMixin):
    def get_indicator(self):
        if not hasattr(self, "_indicator"):
            self._indicator = get_object_or_404(queries.indicator_list(self.city), pk=self.kwargs["pk"])
        return self._indicator


class IndicatorCreateView(PlanMixin, FormView):
    """A new indicator on the plan, a macro area, a line or an action (plan owners)."""

    template_name = "plan/form.html"
    page_title = gettext_lazy("New indicator")
    form_class = IndicatorForm
    permission = staticmethod(permissions.can_manage_plan)

    def get_form_kwargs(self):
        instance = Indicator(city=self.city, plan=self.get_plan())
        initial = {}
        if self.request.GET.get("action"):
            initial["action"] = Action.objects.for_city(self.city).filter(code=self.request.GET["action"]).first()
        return super().get_form_kwargs() | {"instance": instance, "city": self.city, "initial": initial}

    def form_valid(self, form):
        save = partial(services.indicator_save, indicator=form.save(commit=False), user=self.request.user)
        indicator = run_service(form, save)
        if indicator is None:
            return self.form_invalid(form)
        form.save_m2m()
        messages.success(self.request, saved_message(indicator))
        return redirect(indicator)

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=_("New indicator"), **kwargs)


class IndicatorDetailView(IndicatorMixin, TemplateView):
    template_name = "plan/indicator_detail.html"

    def get_context_data(self, **kwargs):
        indicator = self.get_indicator()
        return super().get_context_data(
            indicator=indicator,
            history=audit_history(indicator, indicator.values.all(), indicator.targets.all()),
            can_edit=permissions.can_edit_indicator(self.request.user, indicator),
            value_form=IndicatorValueForm(),
            target_form=IndicatorTargetForm(),
            **kwargs,
        )


class IndicatorValueAddView(EditGuardMixin, IndicatorMixin, FormView):
    template_name = "plan/form.html"
    page_title = gettext_lazy("New indicator value")
    form_class = IndicatorValueForm

    def may_edit(self):
        return permissions.can_edit_indicator(self.request.user, self.get_indicator())

    def form_valid(self, form):
        record = partial(
            services.indicator_value_record, indicator=self.get_indicator(), user=self.request.user, **form.cleaned_data
        )
        if run_service(form, record) is None:
            return self.form_invalid(form)
        messages.success(self.request, _("Value recorded."))
        return redirect(self.get_indicator())


class IndicatorTargetAddView(EditGuardMixin, IndicatorMixin, FormView):
    template_name = "plan/form.html"
    page_title = gettext_lazy("New indicator target")
    form_class = IndicatorTargetForm

    def may_edit(self):
        return permissions.can_edit_indicator(self.request.user, self.get_indicator())

    def form_valid(self, form):
        services.indicator_target_record(indicator=self.get_indicator(), user=self.request.user, **form.cleaned_data)
        messages.success(self.request, _("Target recorded for %(item)s.") % {"item": self.get_indicator()})
        return redirect(self.get_indicator())


class AxisListView(PlanMixin, TemplateView):
    template_name = "plan/axis_list.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(axes=Axis.objects.for_city(self.city), **kwargs)


class AxisDetailView(PlanMixin, TemplateView):
    """Every item of one axis with how many actions serve it and their progress."""

    template_name = "plan/axis_detail.html"

    def get_context_data(self, **kwargs):
        axis = get_object_or_404(Axis.objects.for_city(self.city), slug=self.kwargs["axis"])
        return super().get_context_data(**{**kwargs, "axis": axis, "items": queries.axis_summary(axis)})


class AxisItemView(ActionListView):
    """“Which actions serve SDG 11?”: the actions serving one item, with their progress."""

    template_name = "plan/axis_item.html"
    export_name = "azioni-per-allineamento"

    def get_item(self):
        if not hasattr(self, "_item"):
            self._item = get_object_or_404(
                AxisItem.objects.for_city(self.city).select_related("axis", "parent"),
                axis__slug=self.kwargs["axis"],
                code=self.kwargs["code"],
            )
        return self._item

    @property
    def title(self):
        return str(self.get_item())

    def base_queryset(self):
        return queries.actions_serving(self.get_item())

    def get_context_data(self, **kwargs):
        item = self.get_item()
        return super().get_context_data(
            item=item,
            progress=queries.progress_of(queries.actions_serving(item)),
            children=item.children.select_related("city", "axis"),
            **kwargs,
        )


class WorkbookView(PlanMixin, FormView):
    """Bulk XLSX round trip: GET ?download=1 exports what the user may edit, POST stores the file
    and queues it for the background worker (all or nothing, only changed rows checked); the
    upload's page tells what it changed. Only the roles that change the plan open it."""

    template_name = "plan/workbook.html"
    form_class = WorkbookForm
    permission = staticmethod(permissions.can_edit_plan_items)

    def get(self, request, *args, **kwargs):
        if request.GET.get("download"):
            return workbook_response(spreadsheets.export_workbook(self.city, request.user), "piano")
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        # Refused from its announced length, before Django reads the body.
        limit = settings.PONTE_WORKBOOK_MAX_MB
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > (limit + 1) * 1024 * 1024:
            message = _("The file is above the limit of %(limit)d MB for the workbook.") % {"limit": limit}
            return self.render_to_response(self.get_context_data(form=self.form_class(), refused=message), status=413)
        return super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            actions_sheet=spreadsheets.ACTIONS_SHEET,
            values_sheet=spreadsheets.VALUES_SHEET,
            max_rows=settings.PONTE_WORKBOOK_MAX_ROWS,
            **kwargs,
        )

    def form_valid(self, form):
        try:
            upload = spreadsheets.start_upload(city=self.city, user=self.request.user, file=form.cleaned_data["file"])
        except ImportFailed as failure:
            return self.render_to_response(self.get_context_data(form=form, errors=failure.errors))
        return redirect(upload)


class WorkbookUploadView(WorkbookView):
    """One upload: waiting for the worker, or what it changed, or why it changed nothing; with the
    form to send another file. Its sender and the plan owners see it."""

    def get_upload(self):
        uploads = WorkbookUpload.objects.for_city(self.city)
        if not permissions.can_manage_plan(self.request.user, self.city):
            uploads = uploads.filter(created_by=self.request.user)
        return spreadsheets.fail_if_stalled(get_object_or_404(uploads, pk=self.kwargs["pk"]))

    def get_context_data(self, **kwargs):
        upload = self.get_upload()
        context = {"upload": upload}
        if upload.status == WorkbookUpload.Status.DONE:
            context["imported"] = _("Workbook imported: %(summary)s") % {"summary": spreadsheets.upload_summary(upload)}
        elif upload.status == WorkbookUpload.Status.FAILED:
            context["errors"] = [RowError(**error) for error in upload.errors]
        return super().get_context_data(**context, **kwargs)
