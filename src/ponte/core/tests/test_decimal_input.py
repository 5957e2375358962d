"""Amounts typed and shown as an Italian office writes them, in a field the browser can hold."""

from decimal import Decimal

import pytest
from django import forms
from django.utils import translation

from ponte.core.forms import DecimalInput, StyledFormMixin, parse_decimal

ITALIAN = {"decimal_separator": ",", "thousand_separator": "."}
ENGLISH = {"decimal_separator": ".", "thousand_separator": ","}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1,5", "1.5"),
        ("1.500.000,50", "1500000.50"),
        ("1 500 000,50", "1500000.50"),
        ("1\u00a0500\u00a0000,50", "1500000.50"),
        ("1500000,50", "1500000.50"),
        ("1.500", "1500"),  # a dot before three digits groups thousands in Italian
        ("1.5", "1.5"),  # …and before one or two digits it is a pasted decimal point
        ("1500000.50", "1500000.50"),
        ("-2,25", "-2.25"),
        (",5", "0.5"),
        ("0", "0"),
    ],
)
def test_italian_numbers_are_read(text, expected):
    assert parse_decimal(text, **ITALIAN) == Decimal(expected)


@pytest.mark.parametrize(("text", "expected"), [("1,500,000.50", "1500000.50"), ("1.5", "1.5"), ("2,5", "2.5")])
def test_english_numbers_are_read(text, expected):
    assert parse_decimal(text, **ENGLISH) == Decimal(expected)


@pytest.mark.parametrize("text", ["abc", "1,5,5", "1.50.0", "12.3456.789", "1,5x", "--1", "1.500,5.0"])
def test_what_is_not_a_number_is_refused(text):
    assert parse_decimal(text, **ITALIAN) is None


class AmountForm(StyledFormMixin, forms.Form):
    amount = forms.DecimalField(max_digits=14, decimal_places=2, label="Importo")
    weight = forms.DecimalField(max_digits=5, decimal_places=2, label="Peso")


def test_decimals_render_in_a_text_field_in_the_language_format():
    with translation.override("it"):
        form = AmountForm(initial={"amount": Decimal("1500000.50"), "weight": Decimal("1.00")})
        html = str(form["amount"]) + str(form["weight"])
    assert 'type="text"' in html and 'type="number"' not in html
    assert 'inputmode="decimal"' in html
    assert 'value="1.500.000,50"' in html
    assert 'value="1,00"' in html
    assert 'placeholder="es. 1.500.000,50"' in html and 'placeholder="es. 1,5"' in html


def test_italian_input_is_saved_and_shown_back_as_typed():
    with translation.override("it"):
        form = AmountForm(data={"amount": "1.500.000,50", "weight": "1,5"})
        assert form.is_valid(), form.errors
        assert form.cleaned_data == {"amount": Decimal("1500000.50"), "weight": Decimal("1.5")}
        assert 'value="1.500.000,50"' in str(form["amount"])
        wrong = AmountForm(data={"amount": "tanti", "weight": "1,5"})
        assert not wrong.is_valid()
        assert wrong.errors["amount"] == ["Inserisci un numero."]
        assert 'value="tanti"' in str(wrong["amount"])


def test_english_input_is_read_in_english():
    with translation.override("en"):
        form = AmountForm(data={"amount": "1,500,000.50", "weight": "1.5"})
        assert form.is_valid(), form.errors
        assert form.cleaned_data["amount"] == Decimal("1500000.50")
        assert 'value="1,500,000.50"' in str(form["amount"])


def test_widget_keeps_the_field_required():
    form = AmountForm()
    assert isinstance(form.fields["amount"].widget, DecimalInput)
    assert "required" in str(form["amount"])
