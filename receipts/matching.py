"""Matching receipt lines to inventory items (pure: no ORM).

A line is matched in this order: the household's alias memory for this store (what a member chose for the same
printed text before), then fuzzy matching of the normalised name against the household's items, with a penalty
when the units cannot be converted. Lines that are not products (bag fees, deposits) are suggested as ignored.
The caller loads candidates and aliases and stores the result; nothing here touches the database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from rapidfuzz import fuzz, process, utils

from inventory.units import UnitError, parse_unit


class Action(StrEnum):
    ADD_EXISTING = "add_existing"
    CREATE_NEW = "create_new"
    IGNORE = "ignore"


class MatchSource(StrEnum):
    ALIAS = "alias"
    FUZZY = "fuzzy"
    RULE = "rule"
    NONE = "none"
    MANUAL = "manual"


# Receipt printers squeeze names into ~20 columns; these are the abbreviations US and UK grocers print most.
ABBREVIATIONS: dict[str, str] = {
    "org": "organic",
    "orgnc": "organic",
    "chkn": "chicken",
    "chk": "chicken",
    "bnls": "boneless",
    "sknls": "skinless",
    "brst": "breast",
    "whl": "whole",
    "mlk": "milk",
    "grnd": "ground",
    "bf": "beef",
    "chs": "cheese",
    "chse": "cheese",
    "ched": "cheddar",
    "shrd": "shredded",
    "mozz": "mozzarella",
    "yog": "yogurt",
    "ygrt": "yogurt",
    "grk": "greek",
    "brd": "bread",
    "wht": "white",
    "whwht": "whole wheat",
    "ww": "whole wheat",
    "lg": "large",
    "sm": "small",
    "med": "medium",
    "xl": "extra large",
    "pnut": "peanut",
    "btr": "butter",
    "bttr": "butter",
    "sltd": "salted",
    "unsltd": "unsalted",
    "veg": "vegetable",
    "vgtbl": "vegetable",
    "frz": "frozen",
    "frzn": "frozen",
    "tom": "tomato",
    "toms": "tomatoes",
    "pot": "potato",
    "pots": "potatoes",
    "bnna": "banana",
    "bnnas": "bananas",
    "strwb": "strawberries",
    "strawb": "strawberries",
    "blubry": "blueberries",
    "appl": "apple",
    "orng": "orange",
    "jce": "juice",
    "oj": "orange juice",
    "crm": "cream",
    "sr": "sour",
    "hvy": "heavy",
    "wtr": "water",
    "sprklng": "sparkling",
    "spag": "spaghetti",
    "sce": "sauce",
    "sauc": "sauce",
    "ckie": "cookie",
    "ckies": "cookies",
    "crckr": "crackers",
    "ptto": "potato",
    "chps": "chips",
    "choc": "chocolate",
    "van": "vanilla",
    "stwbry": "strawberry",
    "rasp": "raspberry",
    "pnpl": "pineapple",
    "avo": "avocado",
    "tp": "toothpaste",
    "twl": "towel",
    "twls": "towels",
    "ppr": "paper",
    "tissu": "tissue",
    "dtrgnt": "detergent",
    "lndry": "laundry",
    "sp": "soap",
    "hny": "honey",
}

# Store-brand prefixes and register codes carry no product meaning.
_NOISE_WORDS = frozenset({"gv", "ks", "tj", "kf", "f", "n", "x", "t", "ea", "each"})
# Pack sizes are part of a product name on the receipt, not its quantity: "16OZ", "12CT", "1/2 GAL", "2%".
_SIZE = re.compile(
    r"\b\d+(?:[.,/]\d+)?\s*(?:oz|fl ?oz|lb|lbs|g|kg|ml|l|ltr|ct|pk|pack|gal|qt|pt|ea|cnt|count|mg|iu|in)\b",
    re.IGNORECASE,
)
_DIGITS = re.compile(r"\b\d[\d\s.,%/-]*\b")
_NON_WORD = re.compile(r"[^a-z0-9 ]+")

# Printed lines that are fees, deposits or adjustments rather than things to keep in stock.
_NOT_PRODUCTS = re.compile(
    r"\b(bag fee|bag charge|carrier bag|bottle deposit|deposit|crv|bottle dep|coupon|savings|discount|"
    r"tip|service charge|delivery fee|gift card)\b",
    re.IGNORECASE,
)

# Receipt line quantities are stored with three decimals.
QUANTITY_STEP = Decimal("0.001")

# rapidfuzz scores (0-100) on normalised names.
CONFIDENT_SCORE = 88.0
POSSIBLE_SCORE = 62.0
# Subtracted when the line is sold in a unit that cannot be converted into the item's unit (kg vs pcs).
UNIT_PENALTY = 25.0


@dataclass(frozen=True)
class Candidate:
    """An inventory item a line may be matched to."""

    item_id: int
    name: str
    unit: str


@dataclass(frozen=True)
class AliasHit:
    """What a member chose before for the same printed text at the same store: the action and item, and the
    amount they corrected the line to, as `size` of `unit` per printed unit (None when they kept it)."""

    action: Action
    item_id: int | None
    times_confirmed: int = 1
    size: Decimal | None = None
    unit: str = ""

    def amount(self, printed_quantity: Decimal) -> tuple[Decimal, str] | None:
        """The remembered correction applied to this line's printed quantity."""
        if self.size is None or not self.unit:
            return None
        return (abs(printed_quantity) * self.size).quantize(QUANTITY_STEP, ROUND_HALF_UP), self.unit


@dataclass(frozen=True)
class Suggestion:
    action: Action
    item_id: int | None
    confidence: Decimal  # 0.00-1.00
    source: MatchSource
    new_item_name: str = ""


def normalise(name: str) -> str:
    """Lower-case words with pack sizes, codes and register flags removed and abbreviations expanded."""
    text = _SIZE.sub(" ", name.lower())
    text = _NON_WORD.sub(" ", text.replace("&", " and "))
    text = _DIGITS.sub(" ", text)
    words = []
    for word in text.split():
        if word in _NOISE_WORDS:
            continue
        words.append(ABBREVIATIONS.get(word, word))
    return " ".join(words)


def alias_key(name: str) -> str:
    """The text an alias is remembered under: the printed name with spacing and case folded, sizes kept
    ("COKE 12PK" and "COKE 2L" are different products at one store)."""
    return " ".join(_NON_WORD.sub(" ", name.lower()).split())


def display_name(name: str) -> str:
    """A readable name for a new item made from a receipt line: "GV WHL MILK 1GAL" -> "Whole milk"."""
    text = normalise(name)
    return text[:1].upper() + text[1:] if text else name.strip()


def units_compatible(line_unit: str, item_unit: str) -> bool:
    """True when a line's quantity can be converted into the item's unit; unknown or blank units pass."""
    if not line_unit or not item_unit:
        return True
    try:
        return parse_unit(line_unit).dimension == parse_unit(item_unit).dimension
    except UnitError:
        return True


_PACK = re.compile(r"(\d+(?:[.,]\d+)?|\d+/\d+)\s*(fl ?oz|oz|lbs?|kg|g|ml|ltr|l|gal)\b", re.IGNORECASE)


def pack_size(name: str) -> tuple[Decimal, str] | None:
    """The weight or volume of one piece when the name prints it ("MILK 1/2 GAL" -> (0.5, "gal"))."""
    match = _PACK.search(name)
    if match is None:
        return None
    number, unit = match.groups()
    if "/" in number:
        numerator, denominator = number.split("/")
        amount = Decimal(numerator) / Decimal(denominator) if int(denominator) else Decimal(0)
    else:
        amount = Decimal(number.replace(",", "."))
    try:
        code = parse_unit(unit).code
    except UnitError:
        return None
    return (amount, code) if amount > 0 else None


def fit_to_unit(name: str, quantity: Decimal, unit: str, item_unit: str) -> tuple[Decimal, str]:
    """Express a line counted in pieces in the item's kind of unit using the pack size in its name, so that
    "2 x MILK 1GAL" can go into an item kept in litres. Anything else is returned unchanged."""
    if units_compatible(unit, item_unit) or unit != "pcs":
        return quantity, unit
    size = pack_size(name)
    if size is None or not units_compatible(size[1], item_unit):
        return quantity, unit
    return quantity * size[0], size[1]


def is_not_a_product(name: str) -> bool:
    return bool(_NOT_PRODUCTS.search(name))


def suggest(name: str, unit: str, candidates: list[Candidate], alias: AliasHit | None = None) -> Suggestion:
    """Suggest what to do with one receipt line, with a confidence from 0 to 1."""
    if alias is not None and (alias.action != Action.ADD_EXISTING or _has(candidates, alias.item_id)):
        # A member's own earlier choice beats any guess; a repeated choice is near certain.
        confidence = Decimal("0.99") if alias.times_confirmed > 1 else Decimal("0.95")
        return Suggestion(alias.action, alias.item_id, confidence, MatchSource.ALIAS)
    if is_not_a_product(name):
        return Suggestion(Action.IGNORE, None, Decimal("0.90"), MatchSource.RULE)
    best = best_candidate(name, unit, candidates)
    if best is not None and best[1] >= POSSIBLE_SCORE:
        candidate, score = best
        return Suggestion(Action.ADD_EXISTING, candidate.item_id, _confidence(score), MatchSource.FUZZY)
    return Suggestion(
        Action.CREATE_NEW, None, Decimal("0.50"), MatchSource.NONE, new_item_name=display_name(name)
    )


def best_candidate(name: str, unit: str, candidates: list[Candidate]) -> tuple[Candidate, float] | None:
    """The most similar candidate and its score after the unit penalty, or None when there are none."""
    query = normalise(name)
    if not query or not candidates:
        return None
    choices = {index: normalise(candidate.name) for index, candidate in enumerate(candidates)}
    # token_set_ratio lets "whole milk" match "Milk, whole" and "organic whole milk"; WRatio alone
    # over-rewards short partial overlaps such as "milk" inside "milk chocolate".
    matches = process.extract(
        query, choices, scorer=fuzz.token_set_ratio, processor=utils.default_process, limit=5
    )
    scored = []
    for _choice, score, index in matches:
        candidate = candidates[index]
        penalty = 0.0 if units_compatible(unit, candidate.unit) else UNIT_PENALTY
        tie_breaker = fuzz.ratio(query, choices[index]) / 1000  # prefer the closer whole string on equal sets
        scored.append((score - penalty + tie_breaker, candidate))
    score, candidate = max(scored, key=lambda pair: pair[0])
    return candidate, score


def _confidence(score: float) -> Decimal:
    value = min(max(score, 0.0), 100.0) / 100
    if score < CONFIDENT_SCORE:
        value *= 0.8  # a possible match wants a look from the member
    return Decimal(str(round(value, 2)))


def _has(candidates: list[Candidate], item_id: int | None) -> bool:
    return any(candidate.item_id == item_id for candidate in candidates)
