"""Units of measure: count, weight and volume, with exact Decimal conversion inside a dimension.

Quantities of one item are always kept in the item's own unit; anything entered in another unit is converted
on the way in. Converting across dimensions (grams to litres) raises instead of guessing a density.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from enum import StrEnum

# Stored quantities carry three decimal places (a gram of a kilogram, a millilitre of a litre).
QUANTITY_PLACES = Decimal("0.001")


class Dimension(StrEnum):
    COUNT = "count"
    WEIGHT = "weight"
    VOLUME = "volume"


class UnitError(ValueError):
    """Base class for unit problems; a ValueError so forms can show it as a field error."""


class UnknownUnitError(UnitError):
    def __init__(self, text: str) -> None:
        super().__init__(f"Unknown unit {text!r}. Use one of: {', '.join(UNITS)}.")
        self.text = text


class IncompatibleUnitsError(UnitError):
    def __init__(self, source: Unit, target: Unit) -> None:
        super().__init__(
            f"Cannot convert {source.code} ({source.dimension}) to {target.code} ({target.dimension})."
        )
        self.source = source
        self.target = target


@dataclass(frozen=True)
class Unit:
    """A unit and its size in its dimension's base unit (piece, gram, millilitre)."""

    code: str
    label: str
    dimension: Dimension
    base_factor: Decimal

    def __str__(self) -> str:
        return self.code


# US customary for fl oz and gal: the household shops in one country and US receipts print these.
UNITS: dict[str, Unit] = {
    unit.code: unit
    for unit in (
        Unit("pcs", "pieces", Dimension.COUNT, Decimal(1)),
        Unit("g", "grams", Dimension.WEIGHT, Decimal(1)),
        Unit("kg", "kilograms", Dimension.WEIGHT, Decimal(1000)),
        Unit("oz", "ounces", Dimension.WEIGHT, Decimal("28.349523125")),
        Unit("lb", "pounds", Dimension.WEIGHT, Decimal("453.59237")),
        Unit("ml", "millilitres", Dimension.VOLUME, Decimal(1)),
        Unit("l", "litres", Dimension.VOLUME, Decimal(1000)),
        Unit("fl oz", "US fluid ounces", Dimension.VOLUME, Decimal("29.5735295625")),
        Unit("gal", "US gallons", Dimension.VOLUME, Decimal("3785.411784")),
    )
}

_ALIASES: dict[str, str] = {
    "": "pcs",
    "pc": "pcs",
    "piece": "pcs",
    "pieces": "pcs",
    "each": "pcs",
    "ea": "pcs",
    "ct": "pcs",
    "count": "pcs",
    "x": "pcs",
    "gram": "g",
    "grams": "g",
    "gr": "g",
    "kilo": "kg",
    "kilos": "kg",
    "kilogram": "kg",
    "kilograms": "kg",
    "kgs": "kg",
    "ounce": "oz",
    "ounces": "oz",
    "pound": "lb",
    "pounds": "lb",
    "lbs": "lb",
    "millilitre": "ml",
    "milliliter": "ml",
    "millilitres": "ml",
    "milliliters": "ml",
    "litre": "l",
    "liter": "l",
    "litres": "l",
    "liters": "l",
    "ltr": "l",
    "floz": "fl oz",
    "fl. oz": "fl oz",
    "fl.oz": "fl oz",
    "fluid ounce": "fl oz",
    "fluid ounces": "fl oz",
    "gallon": "gal",
    "gallons": "gal",
}

UNIT_CHOICES: list[tuple[str, str]] = [(unit.code, unit.label) for unit in UNITS.values()]
# The codes themselves, where a form has a narrow column for the unit (the receipt review).
UNIT_CODE_CHOICES: list[tuple[str, str]] = [(unit.code, unit.code) for unit in UNITS.values()]


def unit_choices_convertible_to(code: str) -> list[tuple[str, str]]:
    """The units an amount may be given in for something kept in `code`: that unit first, then the rest of its
    dimension (a litre item takes ml, fl oz, gal; never grams)."""
    own = UNITS[code]
    others = [(u.code, u.label) for u in UNITS.values() if u.dimension == own.dimension and u.code != code]
    return [(own.code, own.label), *others]


def parse_unit(text: str) -> Unit:
    """Return the unit named by `text` (a code or a common spelling, any case); raise UnknownUnitError."""
    key = " ".join(text.strip().lower().split())
    code = _ALIASES.get(key, key)
    try:
        return UNITS[code]
    except KeyError:
        raise UnknownUnitError(text) from None


def convert(amount: Decimal, source: Unit | str, target: Unit | str) -> Decimal:
    """Convert `amount` from `source` to `target` exactly; raise IncompatibleUnitsError across dimensions."""
    source_unit = source if isinstance(source, Unit) else parse_unit(source)
    target_unit = target if isinstance(target, Unit) else parse_unit(target)
    if source_unit.dimension != target_unit.dimension:
        raise IncompatibleUnitsError(source_unit, target_unit)
    if source_unit == target_unit:
        return amount
    return amount * source_unit.base_factor / target_unit.base_factor


def quantize(amount: Decimal) -> Decimal:
    """Round to the stored precision, half-even so repeated conversions do not drift one way."""
    return amount.quantize(QUANTITY_PLACES, rounding=ROUND_HALF_EVEN)


@dataclass(frozen=True)
class Quantity:
    """An amount in a unit. Adding quantities converts the right side into the left side's unit."""

    amount: Decimal
    unit: Unit

    @classmethod
    def of(cls, amount: Decimal | int | str, unit: Unit | str) -> Quantity:
        return cls(Decimal(amount), unit if isinstance(unit, Unit) else parse_unit(unit))

    def to(self, unit: Unit | str) -> Quantity:
        target = unit if isinstance(unit, Unit) else parse_unit(unit)
        return Quantity(convert(self.amount, self.unit, target), target)

    def __add__(self, other: Quantity) -> Quantity:
        return Quantity(self.amount + other.to(self.unit).amount, self.unit)

    def __sub__(self, other: Quantity) -> Quantity:
        return Quantity(self.amount - other.to(self.unit).amount, self.unit)

    def __str__(self) -> str:
        return f"{format_amount(self.amount)} {self.unit.code}"


def format_amount(amount: Decimal) -> str:
    """Show a stored amount without trailing zeros: 2.500 -> 2.5, 3.000 -> 3."""
    text = f"{quantize(amount):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


# Units so small that a tenth is the finest step anyone reads (a gram of flour, a millilitre of oil).
_FINE_UNITS = frozenset({"g", "ml"})
MINUS = "\u2212"  # a real minus sign: the hyphen reads as a dash in running text


def _display_places(magnitude: Decimal, unit: str) -> int:
    if unit in _FINE_UNITS:
        return 1 if magnitude < 10 else 0
    if magnitude < 10:
        return 2
    return 1 if magnitude < 100 else 0


def _display_number(amount: Decimal, unit: str) -> str:
    magnitude = abs(amount)
    places = _display_places(magnitude, unit)
    step = Decimal(1).scaleb(-places)
    rounded = magnitude.quantize(step, rounding=ROUND_HALF_UP)
    if rounded == 0 and magnitude != 0:
        return f"<{step}"  # a trace left: "0" would say the shelf is empty
    text = f"{rounded:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def unit_label(amount: Decimal, unit: str) -> str:
    """The unit as shown after a number: pieces are "pc" for exactly one, "pcs" otherwise."""
    if unit == "pcs" and abs(amount) == 1:
        return "pc"
    return unit


def format_quantity(amount: Decimal, unit: str) -> str:
    """An amount and its unit as a person reads them: 6.785 l is "6.79 l", 250.000 g is "250 g", 1 pcs is
    "1 pc", 0.004 kg is "<0.01 kg". Two decimals under 10, one under 100, none above; grams and millilitres
    one decimal under 10 and none above. Negative amounts keep their sign (a real minus)."""
    sign = MINUS if amount < 0 else ""
    return f"{sign}{_display_number(amount, unit)} {unit_label(amount, unit)}"


def format_change(delta: Decimal, unit: str) -> str:
    """A signed change: "+4 l", "−0.5 l"."""
    return ("+" if delta > 0 else "") + format_quantity(delta, unit)
