"""Amounts as an Italian office writes them, full and compact, in both languages."""

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from ponte.core.money import euro, euro_compact


@pytest.mark.parametrize(
    ("value", "italian", "english"),
    [
        (Decimal("950"), "950 €", "950 €"),
        (Decimal("533000.50"), "533 mila €", "533 thousand €"),
        (Decimal("999400"), "999 mila €", "999 thousand €"),
        (Decimal("999999"), "1 Mln €", "1 million €"),
        (Decimal("1733000.50"), "1,7 Mln €", "1.7 million €"),
        (Decimal("15400000"), "15 Mln €", "15 million €"),
        (Decimal("1234567890"), "1,2 Mrd €", "1.2 billion €"),
        (Decimal("-2500000"), "-2,5 Mln €", "-2.5 million €"),
        (0, "0 €", "0 €"),
        (None, "—", "—"),
    ],
)
def test_compact_amounts(value, italian, english):
    with translation.override("it"):
        assert euro_compact(value) == italian
    with translation.override("en"):
        assert euro_compact(value) == english


def test_full_amounts_group_thousands_in_the_language():
    with translation.override("it"):
        assert euro(Decimal("533000.50")) == "533.000 €"  # whole euros unless cents are asked for
        assert euro(Decimal("533000.50"), 2) == "533.000,50 €"
        page = Template("{% load money %}{{ v|euro_compact }} · {{ v|euro }}").render(Context({"v": 1733000}))
        assert page == "1,7 Mln € · 1.733.000 €"
    with translation.override("en"):
        assert euro(Decimal("533000.50")) == "533,000 €"
