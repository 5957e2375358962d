from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ponte.core import money
from ponte.core.concurrency import StaleEditGuard
from ponte.core.forms import CityModelForm, DateInput, StyledFormMixin, style_for_bootstrap_italia
from ponte.core.models import Organisation, Person
from ponte.core.text import NoControlCharacters
from ponte.core.uploads import XLSX, CheckedFileField

from . import dependencies
from .models import (
    Action,
    ActionUpdate,
    AxisItem,
    Indicator,
    IndicatorTarget,
    IndicatorValue,
    Line,
    MacroArea,
    Milestone,
    Plan,
    ReportingCycle,
)


class ActionForm(CityModelForm):
    class Meta:
        model = Action
        fields = [
            "title",
            "description",
            "status",
            "progress",
            "start_date",
            "end_date",
            "owner_office",
            "responsible",
            "partners",
            "alignments",
            "depends_on",
            "weight",
            "source",
            "publication",
        ]
        widgets = {"start_date": DateInput(), "end_date": DateInput()}

    def __init__(self, *args, can_manage_plan=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_office"].queryset = self.fields["owner_office"].queryset.filter(
            kind=Organisation.Kind.CITY_OFFICE
        )
        self.fields["responsible"].queryset = Person.objects.for_city(kwargs["city"]).select_related("organisation")
        self.fields["alignments"].queryset = AxisItem.objects.for_city(kwargs["city"]).select_related("axis")
        if self.instance.pk:  # any other action of the city (long lists are searched: `ponte.core.choices`)
            self.fields["depends_on"].queryset = self.fields["depends_on"].queryset.exclude(pk=self.instance.pk)
        if not can_manage_plan:
            # Office editors report on their actions; ownership and weights are the plan owner's.
            for name in ("owner_office", "weight", "publication"):
                self.fields[name].disabled = True

    def clean_depends_on(self):
        """No action may wait for itself, directly or through others (`dependencies.check`)."""
        chosen = self.cleaned_data["depends_on"]
        try:
            dependencies.check(self.instance, chosen)
        except ValidationError as error:
            raise ValidationError(error.message_dict["depends_on"]) from None
        return chosen


class ActionCreateForm(ActionForm):
    class Meta(ActionForm.Meta):
        fields = ["code", *ActionForm.Meta.fields]


class IndicatorForm(CityModelForm):
    class Meta:
        model = Indicator
        fields = [
            "code",
            "name",
            "name_en",
            "kind",
            "unit",
            "description",
            "macro_area",
            "line",
            "action",
            "baseline_value",
            "baseline_date",
            "owner_office",
            "alignments",
            "source",
            "publication",
        ]
        widgets = {"baseline_date": DateInput()}
        help_texts = {"action": _("Choose at most one level; none means the plan as a whole.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].queryset = self.fields["action"].queryset.select_related("line")
        self.fields["alignments"].queryset = self.fields["alignments"].queryset.select_related("axis")


class IndicatorTargetForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = IndicatorTarget
        fields = ["value", "target_date", "note"]
        widgets = {"target_date": DateInput()}


class NodeForm(CityModelForm):
    class Meta:
        fields = ["title", "description", "weight", "alignments"]


class MacroAreaForm(NodeForm):
    class Meta(NodeForm.Meta):
        model = MacroArea


class LineForm(NodeForm):
    class Meta(NodeForm.Meta):
        model = Line


class UpdateForm(StaleEditGuard, StyledFormMixin, forms.Form):
    """The update of one period (issue 17): what the action's reporting cycle asks for — status,
    progress, the values of its performance indicators, the narrative, the risks — in one form.
    Given the cycle, the action's indicators and, when the period has its update, that update as
    `versioned=` (a change saved since the form was opened is never overwritten)."""

    status = forms.ChoiceField(label=_("Status at the end of the period"), choices=Action.Status.choices)
    progress = forms.IntegerField(
        label=_("Progress (%)"),
        min_value=0,
        max_value=100,
        help_text=_("From 0 to 100: how much of the action is done. A completed action is at 100%."),
        widget=forms.NumberInput(attrs={"min": 0, "max": 100, "step": 1, "inputmode": "numeric"}),
    )
    text = forms.CharField(
        label=ActionUpdate._meta.get_field("text").verbose_name,
        widget=forms.Textarea(attrs={"rows": 6}),
        validators=[NoControlCharacters()],  # the yearly report must hold it
    )
    risks = forms.CharField(
        label=ActionUpdate._meta.get_field("risks").verbose_name,
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        validators=[NoControlCharacters()],
        help_text=_(
            "A note on what could delay the action, or has already, read with the update. To follow a risk "
            "up in the action's risk register (likelihood, impact, mitigation), record it just below."
        ),
    )
    # "Record as a risk": one entry of the action's register, added when the update is saved.
    RISK_FIELDS = ["risk_title", "risk_likelihood", "risk_impact"]

    def __init__(self, *args, cycle, indicators=(), **kwargs):
        from ponte.core.models import Risk

        self.cycle, self.indicators = cycle, list(indicators)
        super().__init__(*args, **kwargs)
        self.fields["risk_title"] = forms.CharField(
            label=_("risk to record in the register"),
            max_length=300,
            required=False,
            validators=[NoControlCharacters()],
            help_text=_("Optional. Named in a few words; it joins the action's risk register when you save."),
        )
        self.fields["risk_likelihood"] = forms.TypedChoiceField(
            label=_("likelihood"), choices=Risk.LIKELIHOOD_SCALE, coerce=int, initial=3, required=False
        )
        self.fields["risk_impact"] = forms.TypedChoiceField(
            label=_("impact"), choices=Risk.IMPACT_SCALE, coerce=int, initial=3, required=False
        )
        for name, asked in (
            ("status", cycle.asks_status),
            ("progress", cycle.asks_progress),
            ("text", cycle.asks_narrative),
            ("risks", cycle.asks_risks),
            *((name, cycle.asks_risks) for name in self.RISK_FIELDS),
        ):
            if not asked:
                del self.fields[name]
        if cycle.asks_indicators:
            for indicator in self.indicators:
                self.fields[f"value_{indicator.pk}"] = forms.DecimalField(
                    label=_("%(indicator)s (%(unit)s)")
                    % {"indicator": indicator.localized_name, "unit": indicator.unit},
                    required=False,
                    max_digits=20,
                    decimal_places=4,
                    help_text=indicator_help(indicator),
                    # What is counted, not an amount of money (DecimalInput's default example).
                    widget=forms.TextInput(attrs={"placeholder": indicator.unit}),
                )
        values = [name for name in self.fields if name.startswith("value_")]
        self.order_fields(
            ["status", "progress", *values, "text", "risks", *self.RISK_FIELDS]
        )  # as the cycle lists them
        style_for_bootstrap_italia(self)  # the fields added above

    @property
    def main_fields(self):
        return [field for field in self.visible_fields() if field.name not in self.RISK_FIELDS]

    @property
    def risk_fields(self):
        return [self[name] for name in self.RISK_FIELDS if name in self.fields]

    def risk_to_record(self) -> dict | None:
        """The risk to add to the action's register with the update (`risks.risk_add`), or None."""
        data = self.cleaned_data
        if not data.get("risk_title"):
            return None
        return {
            "title": data["risk_title"],
            "likelihood": data.get("risk_likelihood") or 3,
            "impact": data.get("risk_impact") or 3,
            "description": data.get("risks", ""),
        }

    def values(self) -> dict:
        return {
            indicator.pk: self.cleaned_data.get(f"value_{indicator.pk}")
            for indicator in self.indicators
            if f"value_{indicator.pk}" in self.fields
        }

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "status": data.get("status", ""),
            "progress": data.get("progress"),
            "values": self.values(),
            "text": data.get("text", ""),
            "risks": data.get("risks", ""),
        }


def indicator_help(indicator) -> str:
    """What the person needs to report an indicator's value: what it measures and in which unit,
    its last value and when, the target if any — never its internal code. Reads the indicator's
    `values` and `targets` (prefetched), both ordered by date."""
    names = {"name": indicator.localized_name, "unit": indicator.unit}
    parts = [gettext("%(name)s, in %(unit)s: its value at the end of the period.") % names]
    values = list(indicator.values.all())
    if values:
        last = values[-1]
        parts.append(
            gettext("Last value: %(value)s on %(date)s.")
            % {"value": money.figure(last.value), "date": date_format(last.reference_date, "DATE_FORMAT")}
        )
    targets = list(indicator.targets.all())
    if targets:
        today = timezone.localdate()
        target = next((t for t in targets if t.target_date >= today), targets[-1])
        parts.append(
            gettext("Target: %(value)s by %(date)s.")
            % {"value": money.figure(target.value), "date": date_format(target.target_date, "DATE_FORMAT")}
        )
    parts.append(gettext("Leave it empty if it is not known yet."))
    return " ".join(parts)


class ReportingCycleForm(StyledFormMixin, forms.ModelForm):
    """When the actions of a plan, a macro area or an action report, and what they report."""

    class Meta:
        model = ReportingCycle
        fields = [
            "cadence",
            "due_days",
            "remind_days_before",
            "grace_days",
            "asks_status",
            "asks_progress",
            "asks_indicators",
            "asks_narrative",
            "asks_risks",
            "starts_on",
        ]
        widgets = {"starts_on": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A change applies from today unless the plan owner says otherwise: the periods of the new
        # cadence that ended before it are not owed (`cycles.owes`).
        self.fields["starts_on"].required = True
        if not self.is_bound:
            self.initial["starts_on"] = timezone.localdate()


class CycleOverrideForm(ReportingCycleForm):
    """A cycle of its own for a macro area or an action of the plan (one of the two)."""

    macro_area = forms.ModelChoiceField(label=_("Macro area"), queryset=MacroArea.objects.none(), required=False)
    action = forms.ModelChoiceField(label=_("Action"), queryset=Action.objects.none(), required=False)

    class Meta(ReportingCycleForm.Meta):
        fields = ["macro_area", "action", *ReportingCycleForm.Meta.fields]

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["macro_area"].queryset = MacroArea.objects.filter(plan=plan)
        self.fields["action"].queryset = Action.objects.filter(line__macro_area__plan=plan).order_by("sort_key")
        self.fields["action"].label_from_instance = lambda action: f"{action.code} {action.title}"
        if self.instance.pk:  # where an override applies stays; remove it to set another
            for name in ("macro_area", "action"):
                self.fields[name].disabled = True

    def clean(self):
        data = super().clean()
        if not self.instance.pk and bool(data.get("macro_area")) == bool(data.get("action")):
            raise forms.ValidationError(
                _("Choose either a macro area or an action: the cycle applies to one of them."), code="level"
            )
        return data


class MilestoneForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Milestone
        fields = ["title", "due_date", "weight"]
        help_texts = {
            "weight": _(
                "Share of the action's work this milestone completes, relative to its other milestones: "
                "with weights 1, 1 and 2, the last milestone is half of the work. The expected progress "
                "of the action follows the weights of the milestones due."
            )
        }
        widgets = {"due_date": DateInput()}


class PlanThresholdsForm(StyledFormMixin, forms.ModelForm):
    """The plan's "Soglie di andamento": points behind the expected progress (issue 17)."""

    class Meta:
        model = Plan
        fields = ["rag_at_risk_gap", "rag_behind_gap"]

    def _post_clean(self):
        pass  # the service validates the plan and names the field that is wrong


class MilestoneDoneForm(StyledFormMixin, forms.Form):
    done_date = forms.DateField(label=_("done on"), widget=DateInput())


class DocumentForm(StyledFormMixin, forms.Form):
    title = forms.CharField(label=_("title"), max_length=300)
    file = CheckedFileField(label=_("file"))


class IndicatorValueForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = IndicatorValue
        fields = ["reference_date", "value", "source", "note"]
        widgets = {"reference_date": DateInput()}


class WorkbookForm(StyledFormMixin, forms.Form):
    # Recognised by content (an XLSX archive, no macros) before its size and its archive are checked.
    file = CheckedFileField(
        kinds=[XLSX], label=_("XLSX workbook"), help_text=_("The workbook downloaded above, with your changes.")
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.PONTE_WORKBOOK_MAX_MB
        if upload.size > limit * 1024 * 1024:
            raise forms.ValidationError(
                _("The file is %(size)s MB, above the limit of %(limit)d MB for the workbook.")
                % {"size": f"{upload.size / 1024 / 1024:.1f}", "limit": limit}
            )
        return upload
