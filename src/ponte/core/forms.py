"""Form helpers shared by every app: the widgets' Bootstrap Italia classes, amounts typed as
people write them, long choice lists made searchable, choices scoped to the city."""

import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from .concurrency import StaleEditGuard
from .countries import use_country_choices

# Spaces people and spreadsheets put between thousands: plain, no-break, narrow no-break.
_GROUP_SPACES = re.compile(r"[ \u00a0\u202f']")
_DIGITS = re.compile(r"\d+")


def _ungroup(whole: str, separator: str) -> str | None:
    """ "1.500.000" → "1500000"; None when the groups are not of three digits ("1.50.0")."""
    groups = whole.split(separator)
    if not all(_DIGITS.fullmatch(group) for group in groups):
        return None
    if len(groups) > 1 and (len(groups[0]) > 3 or any(len(group) != 3 for group in groups[1:])):
        return None
    return "".join(groups)


def parse_decimal(text: str, *, decimal_separator: str, thousand_separator: str) -> Decimal | None:
    """A number as a person types it in the active language: in Italian "1,5", "1.500.000,50",
    "1 500 000,50", and also "1500000.50" (a figure pasted from an English source: one dot not
    followed by exactly three digits is a decimal point). None when it is not a number."""
    value = _GROUP_SPACES.sub("", text.strip())
    sign = ""
    if value[:1] in "+-":
        sign, value = value[:1], value[1:]
    if value.count(decimal_separator) > 1:
        return None
    whole, point, fraction = value.partition(decimal_separator)
    if not point and whole.count(thousand_separator) == 1 and len(whole.split(thousand_separator)[1]) != 3:
        whole, point, fraction = whole.partition(thousand_separator)  # the other convention's decimal point
    whole = _ungroup(whole or "0", thousand_separator)
    if whole is None or (point and not _DIGITS.fullmatch(fraction)):
        return None
    try:
        return Decimal(f"{sign}{whole}.{fraction or 0}")
    except InvalidOperation:
        return None


class DecimalInput(forms.TextInput):
    """An amount in a text field the phone opens with a numeric keypad (`inputmode=decimal`),
    shown and read in the active language's format ("1.500.000,50" in Italian).

    A `type=number` field cannot hold "1,00" (the browser empties it), and typing thousands
    separators in one is impossible; so amounts are text, parsed here into a plain "1500000.50"
    that the form field reads whatever the language."""

    def __init__(self, attrs=None):
        super().__init__({"inputmode": "decimal", "autocomplete": "off", **(attrs or {})})

    def format_value(self, value):
        if value in (None, ""):
            return None
        if isinstance(value, str):
            try:  # what value_from_datadict made of the typed text, shown back as the person writes it
                value = Decimal(value)
            except InvalidOperation:
                return value  # not a number: shown as typed, beside its error
        return formats.number_format(value, use_l10n=True, force_grouping=True)

    def value_from_datadict(self, data, files, name):
        text = super().value_from_datadict(data, files, name)
        if not isinstance(text, str) or not text.strip():
            return text
        number = parse_decimal(
            text,
            decimal_separator=formats.get_format("DECIMAL_SEPARATOR"),
            thousand_separator=formats.get_format("THOUSAND_SEPARATOR"),
        )
        return text if number is None else str(number)


def _decimal_widget(field: forms.DecimalField) -> DecimalInput:
    attrs = {key: value for key, value in field.widget.attrs.items() if key not in {"step", "min", "max"}}
    digits = (field.max_digits or 12) - (field.decimal_places or 0)
    example = Decimal("1500000.50") if digits >= 7 else Decimal("1.5")
    attrs.setdefault(
        "placeholder",
        _("e.g. %(example)s") % {"example": formats.number_format(example, use_l10n=True, force_grouping=True)},
    )
    widget = DecimalInput(attrs)
    widget.is_required = field.widget.is_required
    return widget


# Single selects with more options than this become searchable (see static/ponte/forms.js).
AUTOCOMPLETE_THRESHOLD = 12


DJANGO_EMPTY_LABEL = "---------"


def _name_the_empty_choice(field) -> None:
    """A select's empty choice says what it means ("Scegli…" where a choice is required,
    "(nessuna scelta)" where none may be made) instead of Django's "---------"."""
    label = _("Choose…") if field.required else _("(none)")
    if isinstance(field, forms.ModelChoiceField):  # its choices are a query: never listed here
        if field.empty_label == DJANGO_EMPTY_LABEL:
            field.empty_label = label
    elif isinstance(field, forms.ChoiceField):
        choices = list(field.choices)
        if choices and choices[0][0] in ("", None) and choices[0][1] == DJANGO_EMPTY_LABEL:
            field.choices = [("", label), *choices[1:]]


def style_for_bootstrap_italia(form: forms.BaseForm) -> None:
    """Give each widget the class Bootstrap Italia styles (the markup around it is in
    templates/ponte/forms/), amounts a text field in the active language's format, and long
    choice lists the mark that makes them searchable."""
    for name, field in form.fields.items():
        if isinstance(field, forms.DecimalField) and not isinstance(field.widget, (DecimalInput, forms.HiddenInput)):
            field.localize = False  # DecimalInput reads the language's format, the field a plain number
            field.widget = _decimal_widget(field)
        _name_the_empty_choice(field)
        widget = field.widget
        if isinstance(widget, (forms.CheckboxInput, forms.RadioSelect)):  # CheckboxSelectMultiple too
            css = "form-check-input"
        elif isinstance(widget, (forms.Select, forms.SelectMultiple)):
            css = "form-select"
            if isinstance(widget, forms.SelectMultiple) or isinstance(field, forms.ModelChoiceField):
                widget.attrs.setdefault("data-autocomplete", "multiple" if widget.allow_multiple_selected else "single")
        else:
            css = "form-control"
        classes = widget.attrs.get("class", "").split()
        if css not in classes:  # styling twice (forms that add fields later) changes nothing
            widget.attrs["class"] = " ".join([*classes, css])
        if field.help_text:
            # The id `form[name].auto_id` gives, without `form[name]`: a bound field is made once and
            # keeps the help text it was made with, so a form's own help text set after this
            # (a view's get_form, a subclass's __init__) would never be shown.
            auto_id = str(form.auto_id or "")
            html_id = (auto_id % form.add_prefix(name)) if "%s" in auto_id else (auto_id and form.add_prefix(name))
            widget.attrs.setdefault("aria-describedby", f"{html_id}_help")


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
        self.fields["file"].help_text = _("Up to %(size)d MB; larger files: manage.py import_funding.") % {
            "size": settings.PONTE_IMPORT_MAX_MB
        }

    def _bounded(self, name):
        upload = self.cleaned_data.get(name)
        if upload and upload.size > settings.PONTE_IMPORT_MAX_MB * 1024 * 1024:
            raise forms.ValidationError(
                _("The file is %(size)s MB, above the limit of %(limit)d MB: import it with manage.py import_funding.")
                % {"size": f"{upload.size / 1024 / 1024:.0f}", "limit": settings.PONTE_IMPORT_MAX_MB}
            )
        return upload

    def clean_file(self):
        return self._bounded("file")

    def clean_extra_file(self):
        return self._bounded("extra_file")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def scoped_choices(name: str, queryset):
    """The choices that make sense for a field, by its name: an "…office" field (owning office,
    responsible office) lists the city's own offices, not every partner organisation and city
    abroad."""
    from .models import Organisation

    if queryset.model is Organisation and name.endswith("office"):
        return queryset.filter(kind=Organisation.Kind.CITY_OFFICE)
    return queryset


class CityModelForm(StaleEditGuard, StyledFormMixin, forms.ModelForm):
    """Model forms whose related choices are limited to the city being edited; an edit saved by
    someone else after the form was opened is not overwritten (`core.concurrency`)."""

    def __init__(self, *args, city, **kwargs):
        super().__init__(*args, **kwargs)
        use_country_choices(self)  # countries chosen by name, not typed as codes
        style_for_bootstrap_italia(self)  # the country fields (styling twice changes nothing)
        for name, field in self.fields.items():
            queryset = getattr(field, "queryset", None)
            if queryset is not None and hasattr(queryset, "for_city"):
                field.queryset = scoped_choices(name, queryset.for_city(city))
        from .choices import search_remotely

        search_remotely(self, city)  # thousands of actions: searched on the server, not listed
        if "publication" in self.fields:
            # Publishing is a choice shown on every form of a publishable item; a post that
            # leaves it out (an older form, an integration) keeps what the item had.
            self.fields["publication"].required = False

    def clean_publication(self):
        return self.cleaned_data.get("publication") or self.instance.publication


class OwnerChoiceMixin:
    """An `owner` chosen among the city's staff (their person is created on first use, see
    `services.staff_person`) and the people of the directory: the data sets name no people, so a
    list of people alone was empty. `clean_owner` gives a Person, a staff account or None."""

    def set_owner_choices(self, city):
        from .models import Membership, Person

        people = list(Person.objects.for_city(city).select_related("organisation", "user"))
        staff_people = {person.user_id: person for person in people if person.user_id}
        memberships = (
            Membership.objects.for_city(city)
            .filter(user__is_active=True)
            .select_related("user", "office")
            .order_by("user__first_name", "user__last_name", "user__username")
        )
        staff = {}
        for membership in memberships:
            account, person = membership.user, staff_people.get(membership.user_id)
            name = account.get_full_name() or account.get_username()
            key = f"person:{person.pk}" if person else f"user:{account.pk}"
            staff.setdefault(key, f"{name} ({membership.office})" if membership.office else name)
        listed, staff = set(staff), list(staff.items())
        others = [
            (f"person:{p.pk}", f"{p} ({p.organisation})" if p.organisation else str(p))
            for p in people
            if f"person:{p.pk}" not in listed
        ]
        self.fields["owner"].choices = [
            ("", "—"),
            *([(_("Staff of the city"), staff)] if staff else []),
            *([(_("Other people"), others)] if others else []),
        ]
        self._city = city

    def clean_owner(self):
        """A Person, a staff account of the city, or None."""
        return self.owner_of(self.cleaned_data.get("owner"))

    def owner_of(self, value):
        """The Person or staff account a choice of `set_owner_choices` names, or None."""
        from .models import Membership, Person

        kind, _sep, pk = (value or "").partition(":")
        if not pk.isdigit():
            return None
        if kind == "person":
            return Person.objects.for_city(self._city).get(pk=pk)
        return Membership.objects.for_city(self._city).select_related("user").get(user_id=pk).user


class FollowUpForm(OwnerChoiceMixin, CityModelForm):
    """A follow-up: the office is one of the city's offices; the owner a member of the city's
    staff or a person of the directory (`OwnerChoiceMixin`)."""

    owner = forms.ChoiceField(label=_("owner"), required=False)
    field_order = ["title", "owner_office", "owner", "due_date"]

    class Meta:
        from .models import FollowUp

        model = FollowUp
        fields = ["title", "owner_office", "due_date"]
        widgets = {"due_date": DateInput()}

    def __init__(self, *args, city, **kwargs):
        from .models import Organisation

        super().__init__(*args, city=city, **kwargs)
        self.fields["owner_office"].queryset = (
            Organisation.objects.for_city(city).filter(kind=Organisation.Kind.CITY_OFFICE).order_by("name")
        )
        self.set_owner_choices(city)


class RiskForm(OwnerChoiceMixin, CityModelForm):
    """A risk or issue of a register: what, how likely, how grave, whose. A new one may name
    what it concerns (`items`: choices "azione:<pk>", "progetto:<pk>", for the register's
    "Add a risk") and carry its first mitigation (`with_mitigation`)."""

    owner = forms.ChoiceField(label=_("owner"), required=False)
    field_order = ["kind", "title", "description", "likelihood", "impact", "owner"]

    class Meta:
        from .models import Risk

        model = Risk
        fields = ["kind", "title", "description", "likelihood", "impact"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, city, items=None, with_mitigation=False, **kwargs):
        super().__init__(*args, city=city, **kwargs)
        self.set_owner_choices(city)
        if self.instance.owner_id and not self.is_bound:
            self.initial["owner"] = f"person:{self.instance.owner_id}"  # a person: staff or not, listed so
        self.fields["title"].label = _("title")
        self.fields["likelihood"].help_text = _("How likely it is to happen (an issue has happened: 5).")
        self.fields["impact"].help_text = _("How much it would harm the action or project if it happened.")
        if items is not None:
            # The register's "Add a risk": what the risk concerns, among the items the person keeps
            # the risks of; a long list becomes searchable (static/ponte/forms.js).
            self.fields["item"] = forms.ChoiceField(
                label=_("concerns"),
                choices=[("", "—"), *items],
                help_text=_("The action or funded project the risk threatens: type its code or a word of its title."),
            )
            self.fields["item"].widget.attrs["data-autocomplete"] = "single"
        if with_mitigation:
            from .models import Organisation

            self.fields["mitigation_title"] = forms.CharField(
                label=_("mitigation"),
                max_length=300,
                required=False,
                help_text=_("What will be done to lower the risk. Leave it empty to add mitigations later."),
            )
            self.fields["mitigation_owner_office"] = forms.ModelChoiceField(
                label=_("office carrying it out"),
                queryset=Organisation.objects.for_city(city)
                .filter(kind=Organisation.Kind.CITY_OFFICE)
                .order_by("name"),
                required=False,
            )
            self.fields["mitigation_owner"] = forms.ChoiceField(
                label=_("person carrying it out"), choices=self.fields["owner"].choices, required=False
            )
            self.fields["mitigation_due_date"] = forms.DateField(
                label=_("mitigation due by"), required=False, widget=DateInput()
            )
        self.order_fields(["item", *self.field_order, *self.MITIGATION])
        style_for_bootstrap_italia(self)

    MITIGATION = ["mitigation_title", "mitigation_owner_office", "mitigation_owner", "mitigation_due_date"]

    @property
    def main_fields(self):
        return [field for field in self.visible_fields() if field.name not in self.MITIGATION]

    @property
    def mitigation_fields(self):
        return [self[name] for name in self.MITIGATION if name in self.fields]

    def clean(self):
        data = super().clean()
        if "mitigation_title" not in self.fields:
            return data
        given = [name for name in self.MITIGATION if data.get(name)]
        if given and not data.get("mitigation_title"):
            self.add_error("mitigation_title", _("Say what the mitigation is, or leave its fields empty."))
        if data.get("mitigation_title"):
            if not data.get("mitigation_due_date"):
                self.add_error("mitigation_due_date", _("Give the date the mitigation is due by."))
            if not data.get("mitigation_owner") and not data.get("mitigation_owner_office"):
                self.add_error("mitigation_owner", _("Name who carries out the mitigation: a person or an office."))
        return data

    def risk_data(self) -> dict:
        """The risk's fields, for `risks.risk_add`."""
        names = ("kind", "title", "description", "likelihood", "impact", "owner")
        return {name: self.cleaned_data.get(name) for name in names if name in self.cleaned_data}

    def mitigation_data(self) -> dict | None:
        """The first mitigation, for `risks.mitigation_add`; None when none was given."""
        data = self.cleaned_data
        if not data.get("mitigation_title"):
            return None
        return {
            "title": data["mitigation_title"],
            "due_date": data["mitigation_due_date"],
            "owner": self.owner_of(data.get("mitigation_owner")),
            "owner_office": data.get("mitigation_owner_office"),
        }
