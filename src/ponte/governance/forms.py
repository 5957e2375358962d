from django import forms
from django.utils.translation import gettext_lazy as _

from ponte.core.forms import CityModelForm, StyledFormMixin

from .models import Meeting


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class MeetingForm(CityModelForm):
    class Meta:
        model = Meeting
        fields = [
            "title",
            "starts_at",
            "ends_at",
            "location",
            "agenda",
            "invitees",
            "attendees",
            "minutes",
            "minutes_public",
        ]
        widgets = {
            "starts_at": DateTimeInput(),
            "ends_at": DateTimeInput(),
            "invitees": forms.CheckboxSelectMultiple,
            "attendees": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        members = self.instance.body.members.select_related("organisation", "person")
        self.fields["invitees"].queryset = members
        self.fields["attendees"].queryset = members


class DecisionForm(StyledFormMixin, forms.Form):
    text = forms.CharField(label=_("decision"), widget=forms.Textarea(attrs={"rows": 3}))


class PostForm(StyledFormMixin, forms.Form):
    text = forms.CharField(label=_("message"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)


class PositionPaperForm(StyledFormMixin, forms.Form):
    title = forms.CharField(label=_("title"), max_length=300)
    text = forms.CharField(label=_("text"), widget=forms.Textarea(attrs={"rows": 8}))
