from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from ponte.core.concurrency import StaleEditGuard
from ponte.core.forms import CityModelForm, DateInput, StyledFormMixin
from ponte.core.models import Organisation, Person
from ponte.core.text import NoControlCharacters
from ponte.core.uploads import XLSX, CheckedFileField

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
    Semester,
    current_period,
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
        if not can_manage_plan:
            # Office editors report on their actions; ownership and weights are the plan owner's.
            for name in ("owner_office", "weight", "publication"):
                self.fields[name].disabled = True


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


class UpdateForm(StyledFormMixin, forms.ModelForm):
    period = forms.TypedChoiceField(choices=Semester.choices, coerce=int, label=_("semester"))

    class Meta:
        model = ActionUpdate
        fields = ["year", "period", "text"]

    def __init__(self, *args, action=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.action = action
        # The update is almost always the current semester's: offered as the default.
        year, semester = current_period()
        self.fields["year"].initial = self.fields["year"].initial or year
        self.fields["period"].initial = self.fields["period"].initial or semester
        self.fields["text"].validators.append(NoControlCharacters())  # the yearly report must hold it

    def clean(self):
        """A period has one update: writing a new one over it would lose the earlier text."""
        data = super().clean()
        year, semester = data.get("year"), data.get("period")
        taken = self.action is not None and year and semester
        if taken and self.action.updates.filter(cadence="semester", year=year, period=semester).exists():
            raise forms.ValidationError(
                _("This period already has its update: edit it from the action's page instead."), code="exists"
            )
        return data


class UpdateEditForm(StaleEditGuard, StyledFormMixin, forms.Form):
    """The text of an existing period's update (given as `versioned=`); the period itself stays."""

    text = forms.CharField(
        label=ActionUpdate._meta.get_field("text").verbose_name,
        widget=forms.Textarea,
        validators=[NoControlCharacters()],
    )


class MilestoneForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Milestone
        fields = ["title", "due_date"]
        widgets = {"due_date": DateInput()}


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
