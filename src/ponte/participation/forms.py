from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ponte.core.forms import CityModelForm, HoneypotMixin, StyledFormMixin, style_for_bootstrap_italia

from .models import Event


class RegistrationForm(StyledFormMixin, HoneypotMixin, forms.Form):
    name = forms.CharField(label=_("Name and surname"), max_length=200)
    email = forms.EmailField(label=_("Email"), max_length=254)  # the column's length (RFC 5321 path)
    consent = forms.BooleanField(label=_("I agree that my data are used to manage this registration."))

    def __init__(self, *args, event: Event, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(event.questions.all())
        for question in self.questions:
            name = f"question_{question.pk}"
            if question.choice_list:
                field = forms.ChoiceField(choices=[("", "—")] + [(c, c) for c in question.choice_list])
            else:
                field = forms.CharField(max_length=500)
            field.label, field.required = question.label, question.required
            self.fields[name] = field
        style_for_bootstrap_italia(self)

    def answers(self):
        return {q.label: self.cleaned_data.get(f"question_{q.pk}", "") for q in self.questions}


class EventForm(CityModelForm):
    class Meta:
        model = Event
        fields = [
            "series",
            "title",
            "description",
            "starts_at",
            "ends_at",
            "venue",
            "online_url",
            "organiser",
            "action",
            "audience",
            "language",
            "capacity",
            "registration_open",
            "waiting_list",
            "publication",
        ]
        widgets = {
            "starts_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "ends_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        }
        help_texts = {
            "series": _(
                "The events of an internal series (training for the city's staff) never appear on the public "
                "portal, even when published."
            )
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # An internal series keeps its events off the portal: the choice says so before saving.
        self.fields["series"].label_from_instance = series_label


def series_label(series) -> str:
    if series.internal:
        return gettext("%(series)s (internal: not published on the portal)") % {"series": series.name}
    return series.name


class SubscribeForm(StyledFormMixin, HoneypotMixin, forms.Form):
    CONSENT = _("I agree that the City uses my address to send me the newsletter; I can unsubscribe at any time.")

    email = forms.EmailField(label=_("Email"), max_length=254)  # the column's length (RFC 5321 path)
    segments = forms.ModelMultipleChoiceField(
        queryset=None, required=False, label=_("Interests"), widget=forms.CheckboxSelectMultiple
    )
    language = forms.ChoiceField(label=_("Language"), choices=[("it", "Italiano"), ("en", "English")])
    consent = forms.BooleanField(label=CONSENT)

    def __init__(self, *args, city, **kwargs):
        super().__init__(*args, **kwargs)
        from .models import Segment

        self.fields["segments"].queryset = Segment.objects.for_city(city)


class PreferencesForm(StyledFormMixin, forms.Form):
    segments = forms.ModelMultipleChoiceField(
        queryset=None, required=False, label=_("Interests"), widget=forms.CheckboxSelectMultiple
    )
    language = forms.ChoiceField(label=_("Language"), choices=[("it", "Italiano"), ("en", "English")])

    def __init__(self, *args, city, **kwargs):
        super().__init__(*args, **kwargs)
        from .models import Segment

        self.fields["segments"].queryset = Segment.objects.for_city(city)


class CampaignForm(CityModelForm):
    class Meta:
        from .models import Campaign

        model = Campaign
        fields = ["subject", "body", "segment"]
        widgets = {"body": forms.Textarea(attrs={"rows": 18, "class": "font-monospace"})}
        help_texts = {
            "body": _(
                "Formatted with Markdown: **bold**, *italic*, [text](https://link), lists with “- ”, "
                "headings with “## ”. Subscribers receive it formatted, with this text as the plain version."
            )
        }


class QuestionForm(StyledFormMixin, HoneypotMixin, forms.Form):
    name = forms.CharField(label=_("Name and surname"), max_length=200)
    email = forms.EmailField(label=_("Email"), max_length=254)  # the column's length (RFC 5321 path)
    subject = forms.CharField(label=_("Subject"), max_length=200)
    text = forms.CharField(label=_("Your question"), widget=forms.Textarea(attrs={"rows": 6}), max_length=5000)
    consent = forms.BooleanField(label=_("I agree that my data are used to answer my question."))


class AnswerForm(StyledFormMixin, forms.Form):
    answer = forms.CharField(
        label=_("Answer"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "The mail opens with “Dear <name>,” by itself: start with the answer. If you write your own "
            "greeting (Dear…, Good morning…), the mail adds none."
        ),
    )


class FaqForm(StyledFormMixin, forms.Form):
    """The question and answer as the public FAQ shows them, rewritten by the desk."""

    prefix = "faq"
    faq_question = forms.CharField(
        label=_("Question for the FAQ"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("Rewritten in general terms, without the citizen's name or personal details."),
    )
    faq_answer = forms.CharField(label=_("Answer for the FAQ"), widget=forms.Textarea(attrs={"rows": 8}))


class TestSendForm(StyledFormMixin, forms.Form):
    email = forms.EmailField(
        label=_("Send a test to"),
        help_text=_("The test shows the campaign exactly as a subscriber receives it."),
        error_messages={"required": _("Enter the address to send the test to.")},
    )
