from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Comment, EmailChoice, NotificationPreference


class CommentForm(forms.ModelForm):
    class Meta:
        model = Comment
        fields = ["text"]
        labels = {"text": _("Your comment")}
        widgets = {"text": forms.Textarea(attrs={"rows": 3, "data-mentions": ""})}

    def __init__(self, *args, example: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text"].help_text = _(
            "Plain text. To tell a colleague, type @ and the start of their name, then choose them from the "
            "colleagues of this city offered: their username is written, e.g. @%(example)s. They are notified."
        ) % {"example": example or "mario.rossi"}


def mention_example(user) -> str:
    """A colleague-like username for the help text, as the @ picker writes it: usernames are the
    staff's e-mail addresses, so one at the same domain as the writer's (mario.rossi@comune.bologna.it)."""
    username = user.get_username() if user.is_authenticated else ""
    _name, at, domain = username.rpartition("@")
    return f"mario.rossi@{domain}" if at and domain else "mario.rossi"


class PreferenceForm(forms.ModelForm):
    class Meta:
        model = NotificationPreference
        fields = ["email"]
        labels = {"email": _("Notifications by e-mail")}
        widgets = {"email": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].choices = EmailChoice.choices
