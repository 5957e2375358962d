"""Form helpers shared by every app."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


def style_for_bootstrap_italia(form: forms.BaseForm) -> None:
    """Give each widget the class Bootstrap Italia styles, and let amounts be typed with the
    decimal separator of the active language."""
    for name, field in form.fields.items():
        widget = field.widget
        if isinstance(field, forms.DecimalField):
            # Amounts are typed as people write them: "1500000,50" in Italian, "1500000.50" in English.
            field.localize = widget.is_localized = True
        if isinstance(widget, forms.CheckboxInput):
            css = "form-check-input"
        elif isinstance(widget, (forms.Select, forms.SelectMultiple)):
            css = "form-select"
        elif isinstance(widget, forms.ClearableFileInput):
            css = "form-control-file"
        else:
            css = "form-control"
        classes = widget.attrs.get("class", "").split()
        if css not in classes:  # styling twice (forms that add fields later) changes nothing
            widget.attrs["class"] = " ".join([*classes, css])
        if field.help_text:
            widget.attrs.setdefault("aria-describedby", f"{form[name].auto_id}_help")


class StyledFormMixin:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_for_bootstrap_italia(self)


class HoneypotMixin(forms.Form):
    """A field people leave empty (it is hidden from them) and bots fill in: spam protection for
    public forms without any third-party service."""

    website = forms.CharField(
        required=False,
        label=_("Leave this field empty"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def clean_website(self):
        if self.cleaned_data.get("website"):
            raise forms.ValidationError(_("Leave this field empty."))
        return ""


class StyledAuthenticationForm(StyledFormMixin, AuthenticationForm):
    pass


class ImportForm(StyledFormMixin, forms.Form):
    source = forms.ChoiceField(label=_("Source"))
    file = forms.FileField(label=_("File"))
    extra_file = forms.FileField(
        label=_("Second file"), required=False, help_text=_("CORDIS: project.csv beside organization.csv.")
    )

    def __init__(self, *args, sources=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].choices = sources


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class CityModelForm(StyledFormMixin, forms.ModelForm):
    """Model forms whose related choices are limited to the city being edited."""

    def __init__(self, *args, city, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            queryset = getattr(field, "queryset", None)
            if queryset is not None and hasattr(queryset, "for_city"):
                field.queryset = queryset.for_city(city)
        if "publication" in self.fields:
            # Publishing is a choice shown on every form of a publishable item; a post that
            # leaves it out (an older form, an integration) keeps what the item had.
            self.fields["publication"].required = False

    def clean_publication(self):
        return self.cleaned_data.get("publication") or self.instance.publication


class FollowUpForm(CityModelForm):
    class Meta:
        from .models import FollowUp

        model = FollowUp
        fields = ["title", "owner_office", "owner", "due_date"]
        widgets = {"due_date": DateInput()}
