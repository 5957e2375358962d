"""The form renderer of Ponte (settings.FORM_RENDERER): Django's own, except that a `<select>` is
written in Python instead of through one included template per `<option>`.

Why: a filter bar or a form with long lists (213 alignment items, 250 countries, 22 lines …) spent
half of a staff page's time in Django's template engine rendering `select_option.html` and
`attrs.html` once per option (issue 16). The markup written here is byte for byte what Django's
templates `django/forms/widgets/select.html`, `select_option.html` and `attrs.html` write (pinned by
core/tests/test_formrenderer.py against Django's renderer). When a project or an app overrides one
of those templates, or a widget names another option template, the template is used as before.
"""

from django.forms.renderers import DjangoTemplates
from django.utils.formats import localize
from django.utils.functional import cached_property
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, mark_safe

SELECT = "django/forms/widgets/select.html"
OPTION = "django/forms/widgets/select_option.html"
ATTRS = "django/forms/widgets/attrs.html"


def _as_string(value) -> str:
    """`{{ value|stringformat:'s' }}`: "%s" formatting, escaped unless already safe."""
    text = str(value)
    return text if isinstance(value, SafeData) else conditional_escape(text)


def _attrs(attrs: dict) -> str:
    """django/forms/widgets/attrs.html: ` name="value"`, a bare name for True, nothing for False."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            parts.append(f" {conditional_escape(name)}")
        else:
            parts.append(f' {conditional_escape(name)}="{_as_string(value)}"')
    return "".join(parts)


def _label(value) -> str:
    """`{{ widget.label }}`: localized (numbers, dates) like the template engine, then escaped."""
    if not isinstance(value, str):
        value = localize(value)
    return conditional_escape(value)


def render_select(widget: dict) -> str:
    """The `<select>` of a widget's context, as Django's select.html writes it (stripped)."""
    out = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            out.append(f'\n  <optgroup label="{_label(group_name)}">')
        for option in group_choices:
            out.append(
                f'\n  <option value="{_as_string(option["value"])}"{_attrs(option["attrs"])}>'
                f"{_label(option['label'])}</option>\n"  # select_option.html ends with a newline
            )
        if group_name:
            out.append("\n  </optgroup>")
    out.append("\n</select>")
    return mark_safe("".join(out))  # noqa: S308 -- every name, value and label above is escaped


class PonteFormRenderer(DjangoTemplates):
    """Django's template renderer with selects written in Python (see the module's docstring)."""

    @cached_property
    def _select_templates_are_djangos(self) -> bool:
        """True when select.html, select_option.html and attrs.html resolve to Django's own files."""
        for name in (SELECT, OPTION, ATTRS):
            origin = self.get_template(name).origin.name
            if not origin.replace("\\", "/").endswith(f"django/forms/templates/{name}"):
                return False
        return True

    def render(self, template_name, context, request=None):
        widget = context.get("widget") if template_name == SELECT else None
        if (
            widget is not None
            and self._select_templates_are_djangos
            and all(option.get("template_name") == OPTION for _n, group, _i in widget["optgroups"] for option in group)
        ):
            return render_select(widget)
        return super().render(template_name, context, request=request)
