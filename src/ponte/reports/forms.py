import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ponte.core.forms import CityModelForm, DateInput
from ponte.core.models import Organisation
from ponte.plan.models import AxisItem, MacroArea

from .models import ReportDefinition


class ReportForm(CityModelForm):
    """The report builder: a scope, generated now, optionally kept as a definition."""

    title = forms.CharField(
        label=_("Title"),
        max_length=300,
        required=False,
        help_text=_("Empty: “Annual implementation report” and the period."),
    )
    save_as = forms.CharField(
        label=_("Save these choices as"),
        max_length=200,
        required=False,
        help_text=_("A name to reuse the definition next year."),
    )

    class Meta:
        model = ReportDefinition
        fields = ["start_date", "end_date", "macro_areas", "axis_item", "programme", "office"]
        widgets = {"start_date": DateInput(), "end_date": DateInput(), "macro_areas": forms.CheckboxSelectMultiple}

    def __init__(self, *args, city, **kwargs):
        if not kwargs.get("instance") and not kwargs.get("initial"):
            last_year = timezone.localdate().year - 1
            kwargs["initial"] = {
                "start_date": datetime.date(last_year, 1, 1),
                "end_date": datetime.date(last_year, 12, 31),
            }
        super().__init__(*args, city=city, **kwargs)
        self.fields["macro_areas"].queryset = MacroArea.objects.for_city(city).order_by("sort_key")
        self.fields["axis_item"].queryset = (
            AxisItem.objects.for_city(city).select_related("axis").order_by("axis__order", "order")
        )
        self.fields["office"].queryset = Organisation.objects.for_city(city).filter(kind=Organisation.Kind.CITY_OFFICE)

    def clean_save_as(self):
        name = self.cleaned_data.get("save_as", "").strip()
        if (
            name
            and ReportDefinition.objects.for_city(self.instance.city)
            .filter(name=name)
            .exclude(pk=self.instance.pk)
            .exists()
        ):
            raise forms.ValidationError(_("A definition with this name exists: choose another name."))
        return name
