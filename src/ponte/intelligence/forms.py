from django import forms
from django.utils.translation import gettext_lazy as _

from . import suggestions


class BulkForm(forms.Form):
    """Which objects a bulk run of SDG suggestions reads: those the person may decide on."""

    what = forms.ChoiceField(label=_("Items to read"), widget=forms.RadioSelect)

    def __init__(self, *args, user, city, **kwargs):
        super().__init__(*args, **kwargs)
        choices = list(suggestions.bulk_kinds_for(user, city).items())
        self.fields["what"].choices = choices
        self.fields["what"].initial = choices[0][0] if choices else None
        self.fields["what"].help_text = _(
            "Only items on which nobody has accepted or rejected a goal yet, and whose text has no "
            "suggestions yet (or has changed since)."
        )
