"""`{{ value|web_link }}`: a stored web address as a link, only when it is an http(s) address;
anything else (a `javascript:` link stored before addresses were checked) is shown as plain
text, never as an href (issue 14)."""

from django import template
from django.utils.html import format_html

from ponte.core.webaddress import is_web_address

register = template.Library()


@register.filter
def web_link(value):
    if not value:
        return ""
    if is_web_address(value):
        return format_html('<a href="{}" rel="noopener">{}</a>', str(value).strip(), value)
    return format_html("{}", value)
