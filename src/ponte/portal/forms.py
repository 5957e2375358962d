from django import forms

from ponte.core.forms import CityModelForm

from .models import News


class NewsForm(CityModelForm):
    class Meta:
        model = News
        fields = ["title", "slug", "summary", "body", "published_on", "action", "publication"]
        widgets = {
            "published_on": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "body": forms.Textarea(attrs={"rows": 12}),
        }
