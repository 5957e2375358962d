from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Comment, EmailChoice, NotificationPreference


class CommentForm(forms.ModelForm):
    class Meta:
        model = Comment
        fields = ["text"]
        labels = {"text": _("Your comment")}
        help_texts = {
            "text": _(
                "Plain text. To tell a colleague, write @ followed by their username (e.g. @mrossi): "
                "while you type, matching colleagues of this city are offered. They are notified."
            )
        }
        widgets = {"text": forms.Textarea(attrs={"rows": 3, "data-mentions": ""})}


class PreferenceForm(forms.ModelForm):
    class Meta:
        model = NotificationPreference
        fields = ["email"]
        labels = {"email": _("Notifications by e-mail")}
        widgets = {"email": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].choices = EmailChoice.choices
