"""Form rendering: which template draws a field, and its widget with the ARIA links to its help
text and errors. Used by templates/ponte/forms/ (every form of Ponte goes through them)."""

from django import forms, template

from ponte.core.forms import HoneypotMixin

register = template.Library()

# Widget class → the template in ponte/forms/ that draws it; the first match wins (subclasses first).
KINDS = (
    (forms.CheckboxSelectMultiple, "choices"),
    (forms.RadioSelect, "choices"),
    (forms.CheckboxInput, "checkbox"),
    (forms.Select, "select"),  # SelectMultiple is a Select
    (forms.FileInput, "file"),
)


@register.filter
def field_template(field: forms.BoundField) -> str:
    """The template of one field, by its widget: ponte/forms/<kind>.html."""
    widget = field.field.widget
    kind = next((kind for cls, kind in KINDS if isinstance(widget, cls)), "input")
    return f"ponte/forms/{kind}.html"


@register.filter
def is_honeypot(field: forms.BoundField) -> bool:
    return isinstance(field.form, HoneypotMixin) and field.name == "website"


@register.filter
def any_required(form: forms.BaseForm) -> bool:
    return any(field.field.required and not field.field.disabled for field in form.visible_fields())


@register.filter
def described_by(field: forms.BoundField) -> str:
    """The ids of the field's help text and error messages, for `aria-describedby`."""
    ids = []
    if field.help_text:
        ids.append(f"{field.auto_id}_help")
    if field.errors:
        ids.append(f"{field.auto_id}_errors")
    return " ".join(ids)


@register.simple_tag
def field_widget(field: forms.BoundField):
    """The field's control, linked to its help and errors and marked invalid when it has errors."""
    attrs = {}
    if ids := described_by(field):
        attrs["aria-describedby"] = ids
    if field.errors:
        attrs["aria-invalid"] = "true"
        attrs["class"] = f"{field.field.widget.attrs.get('class', '')} is-invalid".strip()
    return field.as_widget(attrs=attrs)
