from ponte.core.forms import CityModelForm, DateInput
from ponte.core.uploads import CheckedFileField

from .models import GoodPractice, Initiative


class InitiativeForm(CityModelForm):
    class Meta:
        model = Initiative
        fields = [
            "kind",
            "title",
            "description",
            "countries",
            "partners",
            "funder",
            "budget",
            "beneficiaries",
            "participants",
            "start_date",
            "end_date",
            "actions",
            "source",
        ]
        widgets = {"start_date": DateInput(), "end_date": DateInput()}


class GoodPracticeForm(CityModelForm):
    class Meta:
        model = GoodPractice
        fields = ["title", "theme", "source_organisation", "source_project", "description", "document", "actions"]
        field_classes = {"document": CheckedFileField}
