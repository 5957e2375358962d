from django import forms
from django.utils.translation import gettext_lazy as _

from ponte.core.forms import CityModelForm, DateInput, StyledFormMixin
from ponte.core.models import Organisation

from .models import Call, Participation, Project, ProjectMilestone


class ProjectForm(CityModelForm):
    class Meta:
        model = Project
        fields = [
            "acronym",
            "title",
            "description",
            "programme",
            "call",
            "cup",
            "grant_agreement",
            "role",
            "total_budget",
            "eu_contribution",
            "city_share",
            "cofinancing",
            "start_date",
            "end_date",
            "location",
            "place",
            "quartiere",
            "latitude",
            "longitude",
            "measure_code",
            "measure_name",
            "responsible_office",
            "actions",
            "alignments",
            "publication",
        ]
        widgets = {"start_date": DateInput(), "end_date": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible_office"].queryset = self.fields["responsible_office"].queryset.filter(
            kind=Organisation.Kind.CITY_OFFICE
        )
        self.fields["alignments"].queryset = self.fields["alignments"].queryset.select_related("axis")


class TransitionForm(StyledFormMixin, forms.Form):
    to_status = forms.ChoiceField(label=_("new status"))
    date = forms.DateField(label=_("date"), widget=DateInput())
    note = forms.CharField(label=_("note"), max_length=300, required=False)

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_status"].choices = choices


class ParticipationForm(CityModelForm):
    class Meta:
        model = Participation
        fields = ["organisation", "country", "role", "pic", "eu_contribution"]


class ProjectMilestoneForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = ProjectMilestone
        fields = ["kind", "title", "due_date"]
        widgets = {"due_date": DateInput()}


class CallForm(CityModelForm):
    class Meta:
        model = Call
        fields = [
            "identifier",
            "title",
            "call_identifier",
            "programme",
            "description",
            "keywords",
            "status",
            "opening_date",
            "deadline",
            "url",
            "decision",
            "responsible_office",
            "alignments",
        ]
        widgets = {"opening_date": DateInput(), "deadline": DateInput()}
        # A topic of the Funding & Tenders portal has its own code and belongs to a call that
        # has another: the form says which is which.
        labels = {"identifier": _("Identifier (topic or call code)"), "call_identifier": _("Parent call")}
        help_texts = {
            "identifier": _(
                "The code the funder gives to what you apply to, unique among the calls, e.g. the topic "
                "HORIZON-CL5-2024-D6-01-01 on the Funding & Tenders portal; for a call without topics, its code."
            ),
            "call_identifier": _(
                "The code of the call the topic belongs to, e.g. HORIZON-CL5-2024-D6-01; "
                "leave empty when the identifier is already the call's."
            ),
        }
