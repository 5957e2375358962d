from django import forms
from django.utils.translation import gettext_lazy as _

from ponte.core.forms import CityModelForm, DateInput, StyledFormMixin
from ponte.core.models import Organisation
from ponte.core.uploads import CheckedFileField

from .models import Candidacy, Mission, NetworkMembership, Relation


class RelationForm(CityModelForm):
    class Meta:
        model = Relation
        fields = [
            "partner",
            "kind",
            "description",
            "themes",
            "signed_on",
            "signing_act",
            "responsible_office",
            "actions",
            "source",
            "publication",
        ]
        widgets = {"signed_on": DateInput()}


class RelationStatusForm(StyledFormMixin, forms.Form):
    """The steps a relation may take from where it is, preset on where it is: a click without
    looking changes nothing (an active relation was offered "Planned" first)."""

    status = forms.ChoiceField(label=_("new status"))
    date = forms.DateField(label=_("date"), widget=DateInput(), required=False)

    def __init__(self, *args, relation: Relation, **kwargs):
        from .services import RELATION_TRANSITIONS

        super().__init__(*args, **kwargs)
        self.relation = relation
        steps = RELATION_TRANSITIONS[relation.status]
        current = (relation.status, _("%(status)s (current)") % {"status": relation.get_status_display()})
        self.fields["status"].choices = [current, *((v, label) for v, label in Relation.Status.choices if v in steps)]
        self.fields["status"].initial = relation.status

    def clean_status(self):
        status = self.cleaned_data["status"]
        if status == self.relation.status:
            raise forms.ValidationError(
                _("The relation is already “%(status)s”: choose the new status.")
                % {"status": self.relation.get_status_display()}
            )
        return status


class MembershipForm(CityModelForm):
    class Meta:
        model = NetworkMembership
        fields = [
            "network",
            "role",
            "role_detail",
            "joined_on",
            "mandate_start",
            "mandate_end",
            "annual_fee",
            "working_groups",
            "delegates",
            "actions",
            "source",
            "publication",
        ]
        widgets = {"joined_on": DateInput(), "mandate_start": DateInput(), "mandate_end": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # One membership per network (`membership_one_per_network`): those joined already are edited.
        joined = NetworkMembership.objects.filter(city=self.instance.city_id).exclude(pk=self.instance.pk)
        self.fields["network"].queryset = (
            self.fields["network"]
            .queryset.filter(kind=Organisation.Kind.NETWORK)
            .exclude(pk__in=joined.values("network"))
        )


class RenewalForm(StyledFormMixin, forms.Form):
    until = forms.DateField(label=_("new mandate until"), widget=DateInput())
    role = forms.ChoiceField(label=_("role"), choices=[("", "—"), *NetworkMembership.Role.choices], required=False)


class MissionForm(CityModelForm):
    class Meta:
        model = Mission
        fields = [
            "direction",
            "title",
            "counterpart",
            "country",
            "start_date",
            "end_date",
            "participants",
            "purpose",
            "outcomes",
            "actions",
            "source",
        ]
        widgets = {"start_date": DateInput(), "end_date": DateInput()}


class CandidacyForm(CityModelForm):
    class Meta:
        model = Candidacy
        fields = [
            "title",
            "awarding_body",
            "year",
            "deadline",
            "status",
            "dossier",
            "outcome",
            "actions",
            "source",
            "publication",
        ]
        field_classes = {"dossier": CheckedFileField}
        widgets = {"deadline": DateInput()}
