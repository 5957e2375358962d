"""Web addresses: only http:// and https:// are ever stored as a link. Another scheme in an
imported file or a form (`javascript:`, `data:`, `vbscript:`) would run or open something other
than a web page when a person clicks the link (issue 14)."""

from urllib.parse import urlsplit

from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

WEB_SCHEMES = ("http", "https")

validate_web_address = URLValidator(
    schemes=list(WEB_SCHEMES), message=_("Enter a web address that starts with http:// or https://.")
)


def is_web_address(value: str) -> bool:
    """True for an absolute http(s) address with a host. Parsed as a browser does: spaces around
    it and tabs or line breaks inside it do not hide another scheme."""
    try:
        parts = urlsplit(str(value).strip())
    except ValueError:
        return False
    return parts.scheme.lower() in WEB_SCHEMES and bool(parts.netloc)


def web_address_or_blank(value) -> str:
    """The address without surrounding spaces, or "" when it is no http(s) address: for the
    importers and the data set, which keep the row and drop only the link. An address written
    without any scheme ("www.example.org") is taken as https://, as the forms do."""
    value = str(value or "").strip()
    if value and ":" not in value:
        value = f"https://{value}"
    return value if is_web_address(value) else ""
