"""Amounts in euros as an Italian office writes them: "533.000 €" in full, "533 mila €",
"1,2 Mln €" or "1,2 Mrd €" where space is short (a dashboard card, a chart's bar). The
separators and the words follow the active language."""

from decimal import ROUND_HALF_UP, Decimal

from django.utils import formats
from django.utils.translation import gettext as _

# (threshold, message): the largest unit the amount reaches is used.
_UNITS = (
    (Decimal(10) ** 9, lambda amount: _("%(amount)s billion €") % {"amount": amount}),
    (Decimal(10) ** 6, lambda amount: _("%(amount)s million €") % {"amount": amount}),
    (Decimal(10) ** 3, lambda amount: _("%(amount)s thousand €") % {"amount": amount}),
)


def _decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    return value if isinstance(value, Decimal) else Decimal(str(value))


def euro(value, decimals: int = 0) -> str:
    """The full amount with thousands grouped: "533.000 €" (cents only when asked for)."""
    amount = _decimal(value)
    if amount is None:
        return "—"
    return f"{formats.number_format(amount, decimals, use_l10n=True, force_grouping=True)} €"


def euro_compact(value) -> str:
    """The amount in at most four figures and a unit word: "950 €", "533 mila €", "1,2 Mln €".
    One decimal below ten units ("1,2 Mln"), none above ("15 Mln")."""
    amount = _decimal(value)
    if amount is None:
        return "—"
    size = abs(amount)
    for threshold, message in _UNITS:
        scaled = size / threshold
        if scaled >= Decimal("0.9995"):  # 999.600 € is "1 Mln €" rather than "1.000 mila €"
            rounded = scaled.quantize(Decimal("0.1") if scaled < 10 else Decimal(1), rounding=ROUND_HALF_UP)
            digits = 1 if rounded < 10 and rounded != rounded.to_integral_value() else 0
            text = formats.number_format(rounded, digits, use_l10n=True, force_grouping=True)
            return ("-" if amount < 0 else "") + message(text)
    return euro(amount)


def plain(value) -> Decimal | None:
    """A stored figure without the zeros its column adds: 3 for 3.0000, 1250.5 for 1250.5000."""
    number = _decimal(value)
    if number is None:
        return None
    return number.quantize(1) if number == number.to_integral_value() else number.normalize()


def figure(value) -> str:
    """A measured figure as a person typed it, in the active language: "3", "1.250,5" (not
    "3,0000"), every decimal kept; "—" when there is none."""
    number = plain(value)
    if number is None:
        return "—"
    return formats.number_format(number, use_l10n=True, force_grouping=True)
