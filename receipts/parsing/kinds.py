"""What a receipt line is when it is not a purchase: a charge, information, a void, a return, a heading.

Charges are told from products by their words, not by a single keyword: "Reusable bags" and "BTL DEP" are
charges, "Baby spinach bag" and "Tip Top Crumpets" are products. A line is a charge when it names a charge and
every other word on it belongs to the vocabulary charges are written in.
"""

from __future__ import annotations

import re

_WORD_RE = re.compile(r"[^\W\d_]+")
_NUMBERED_DEPARTMENT_RE = re.compile(r"^\d{1,3}\s*-\s*[A-Z]")


def _vocabulary(words: str) -> frozenset[str]:
    return frozenset(words.split())


# Words that make a line a charge by themselves, whatever product-like word stands beside them ("Pfand Cola").
_CHARGE_WORDS = re.compile(
    r"\b(deposits?|dep|crv|redemption|pfand\w*|leergut|statiegeld|consigne|recycling|fees?|surcharge|levy|"
    r"gratuity|rounding|\w+kosten|\w*gebühr\w*|frais|caj|toeslag|emballage|bag for life|carrier bags?|bag charge|"
    r"bag levy)\b",
    re.IGNORECASE,
)
# Words that make a line a charge only when nothing else is on it: "Reusable bags", "Shopper tip", "ECO".
_WEAK_CHARGE_WORDS = re.compile(
    r"\b(bags?|tip|tips|service|delivery|eco|enviro|environmental|tas|tasje|boodschappentas|tragetasche|tüte)\b",
    re.I,
)
# Everything else a charge line is written with: what the deposit is on, who gets the tip, the bag's kind.
_CHARGE_VOCABULARY = _vocabulary(
    """a an and the of on for per x at to by with incl excl
    bottle bottles btl bot can cans container containers cont blik fles flessen flasche dose glass plastic paper
    carrier shopping grocery checkout reusable life large small bag bags tas tasje boodschappentas tasche tüte
    deposit deposits dep crv redemption value val refund return returned pfand leergut statiegeld consigne
    recycling recycle fee fees surcharge levy charge charges env enviro environmental environment eco
    tip tips gratuity driver shopper service delivery pickup order small basket platform handling packaging
    rounding round adj adjustment bezorgkosten verzendkosten servicekosten kosten emballage
    state ca ny nsw mi ct ma ia or vt me hi qld sa nt"""
)


def is_charge(name: str) -> bool:
    """A deposit, fee, bag charge, tip or rounding line rather than a purchased product."""
    words = [word for word in _WORD_RE.findall(name.lower()) if len(word) > 1]
    others = [word for word in words if word not in _CHARGE_VOCABULARY]
    if _CHARGE_WORDS.search(name):
        return len(others) <= 1
    return bool(_WEAK_CHARGE_WORDS.search(name)) and not others


INFO_RE = re.compile(
    r"\b(was\b.*\bsave|you saved|saved|savings today|points|balance|(?:regular|reg|original|orig|list|was)\s+price|"
    r"return value|net sales|items? total)\b|\bwas:?\s*(?:[$£€]|RM)?\s*(?:\d|$)",
    re.IGNORECASE,
)
VOID_RE = re.compile(r"\bvoid(?:ed)?\b", re.IGNORECASE)
RETURN_MARK_RE = re.compile(r"^\W*(?:\S{1,3}\s+)?(?:\*+\s*)?(return|refund|retour|rückgabe)\b", re.IGNORECASE)
SKIP_SECTION_RE = re.compile(
    r"^\W*(unavailable|refunded|out of stock|not charged|cancelled|canceled)\b", re.IGNORECASE
)
SKIP_LINE_RE = re.compile(
    r"\b(you requested|you ordered|requested:|refunded|out of stock|not charged|not available|"
    r"couldn't find|could not find)\b",
    re.IGNORECASE,
)
HEADING_RE = re.compile(
    r"^\W*(qty|description|item|items|aantal|artikel|bezeichnung|omschrijving|product|produkt|상품명)\b", re.I
)

# Words of the section headings printed between items (a store's departments, an e-mail's groups).
_SECTION_WORDS = _vocabulary(
    """produce grocery groceries dairy deli bakery meat meats seafood fish frozen household beverages beverage
    drinks drink health beauty pharmacy general merchandise snacks pantry fresh chilled fruit fruits vegetables
    veg vegetable breakfast cereal personal care baby pet pets home cleaning paper dry goods alcohol spirits
    floral bulk items delivered replaced substitutions substituted your order
    groente zuivel eieren vlees vis dranken ontbijt diepvries huishouden
    obst gemüse molkerei getränke fleisch backwaren tiefkühl drogerie
    épicerie boulangerie fruits légumes produits laitiers boucherie boissons surgelés
    and en und et or"""
)


def is_section_heading(text: str) -> bool:
    """A department or group heading: '22-PRODUCE', 'DAIRY', 'Fresh & Chilled', 'Zuivel & eieren', 'Drinks:'."""
    stripped = text.strip()
    if _NUMBERED_DEPARTMENT_RE.match(stripped) or stripped.endswith(":"):
        return True
    words = _WORD_RE.findall(stripped.lower())
    return bool(words) and all(word in _SECTION_WORDS for word in words)
