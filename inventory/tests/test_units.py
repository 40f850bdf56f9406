from decimal import Decimal

import pytest

from inventory.units import (
    IncompatibleUnitsError,
    Quantity,
    UnknownUnitError,
    convert,
    format_amount,
    format_change,
    format_quantity,
    parse_unit,
    quantize,
)


def test_two_pounds_added_to_kilograms_converts_exactly():
    total = Quantity.of("1", "kg") + Quantity.of("2", "lb")
    assert total.unit.code == "kg"
    assert total.amount == Decimal("1.90718474")


def test_volume_conversions_use_us_fluid_ounces_and_gallons():
    assert convert(Decimal(1), "gal", "l") == Decimal("3.785411784")
    assert quantize(convert(Decimal(16), "fl oz", "ml")) == Decimal("473.176")
    assert convert(Decimal(1500), "ml", "l") == Decimal("1.5")


def test_weight_conversions_round_trip():
    assert convert(Decimal(16), "oz", "lb") == Decimal(1)
    assert convert(convert(Decimal("2.5"), "kg", "g"), "g", "kg") == Decimal("2.5")


def test_incompatible_units_raise_instead_of_summing():
    with pytest.raises(IncompatibleUnitsError, match="weight"):
        Quantity.of(1, "kg") + Quantity.of(1, "l")
    with pytest.raises(IncompatibleUnitsError):
        convert(Decimal(3), "pcs", "g")


def test_unknown_unit_is_an_error_naming_the_unit():
    with pytest.raises(UnknownUnitError, match="'bushel'"):
        parse_unit("bushel")


@pytest.mark.parametrize(
    ("text", "code"),
    [("LBS", "lb"), ("Litre", "l"), ("fl. oz", "fl oz"), ("FL  OZ", "fl oz"), ("each", "pcs"), ("kg", "kg")],
)
def test_common_spellings_parse(text, code):
    assert parse_unit(text).code == code


def test_format_amount_drops_trailing_zeros():
    assert format_amount(Decimal("2.500")) == "2.5"
    assert format_amount(Decimal("3.000")) == "3"
    assert str(Quantity.of("0.250", "l")) == "0.25 l"


@pytest.mark.parametrize(
    ("amount", "unit", "shown"),
    [
        ("6.785", "l", "6.79 l"),
        ("250.000", "g", "250 g"),
        ("5.5", "g", "5.5 g"),
        ("1", "pcs", "1 pc"),
        ("12", "pcs", "12 pcs"),
        ("0.885", "lb", "0.89 lb"),
        ("0", "l", "0 l"),
        ("0.004", "kg", "<0.01 kg"),
        ("42.25", "kg", "42.3 kg"),
        ("1500", "ml", "1500 ml"),
        ("-0.5", "l", "\u22120.5 l"),
    ],
)
def test_quantities_always_carry_their_unit_at_reading_precision(amount, unit, shown):
    assert format_quantity(Decimal(amount), unit) == shown


def test_changes_carry_their_sign():
    assert format_change(Decimal(4), "l") == "+4 l"
    assert format_change(Decimal("-0.25"), "kg") == "\u22120.25 kg"
