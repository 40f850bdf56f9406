from decimal import Decimal

from receipts.matching import (
    Action,
    AliasHit,
    Candidate,
    MatchSource,
    alias_key,
    display_name,
    fit_to_unit,
    normalise,
    pack_size,
    suggest,
    units_compatible,
)

PANTRY = [
    Candidate(1, "Whole milk", "l"),
    Candidate(2, "Large eggs", "pcs"),
    Candidate(3, "Bananas", "kg"),
    Candidate(4, "Cheddar cheese, shredded", "g"),
    Candidate(5, "Milk chocolate", "g"),
]


def test_normalise_expands_abbreviations_and_drops_sizes_and_codes():
    assert normalise("GV WHL MILK 1GAL 007874235186 F") == "whole milk"
    assert normalise("GV LG EGGS 12CT") == "large eggs"
    assert normalise("DORITOS NACHO CHS 9.25OZ") == "doritos nacho cheese"


def test_alias_key_keeps_sizes_apart_but_folds_case_and_spacing():
    assert alias_key("COKE  12PK") == alias_key("coke 12pk")
    assert alias_key("COKE 12PK") != alias_key("COKE 2L")


def test_display_name_makes_a_readable_item_name():
    assert display_name("GV SHRD CHED 8OZ") == "Shredded cheddar"


def test_suggest_matches_an_abbreviated_line_to_the_existing_item():
    suggestion = suggest("GV WHL MILK", "", PANTRY)
    assert suggestion.action == Action.ADD_EXISTING
    assert suggestion.item_id == 1
    assert suggestion.source == MatchSource.FUZZY
    assert suggestion.confidence >= Decimal("0.85")


def test_suggest_prefers_the_item_whose_unit_fits():
    # "milk" alone overlaps both milk items; the line is sold by volume, so the chocolate (grams) loses.
    suggestion = suggest("MILK", "l", PANTRY)
    assert suggestion.item_id == 1


def test_suggest_creates_a_new_item_when_nothing_is_similar():
    suggestion = suggest("DAWN ULTRA DISH SOAP", "", PANTRY)
    assert suggestion.action == Action.CREATE_NEW
    assert suggestion.item_id is None
    assert suggestion.new_item_name == "Dawn ultra dish soap"


def test_suggest_ignores_fees_and_deposits():
    assert suggest("BOTTLE DEPOSIT", "", PANTRY).action == Action.IGNORE
    assert suggest("BAG FEE", "", PANTRY).action == Action.IGNORE


def test_alias_memory_beats_fuzzy_matching():
    alias = AliasHit(action=Action.ADD_EXISTING, item_id=4, times_confirmed=2)
    suggestion = suggest("EXC FUS 85SELPP", "", PANTRY, alias)
    assert (suggestion.action, suggestion.item_id, suggestion.source) == (Action.ADD_EXISTING, 4, "alias")
    assert suggestion.confidence == Decimal("0.99")


def test_alias_to_an_item_that_is_gone_falls_back_to_matching():
    alias = AliasHit(action=Action.ADD_EXISTING, item_id=99)
    assert suggest("GV WHL MILK", "", PANTRY, alias).source == MatchSource.FUZZY


def test_units_compatible_across_dimensions():
    assert units_compatible("lb", "kg")
    assert not units_compatible("lb", "pcs")
    assert units_compatible("", "kg")
    assert units_compatible("bunch", "kg")  # unknown units are not held against a match


def test_pack_size_reads_weight_and_volume_from_the_name():
    assert pack_size("CVS 2% MILK 1/2 GAL") == (Decimal("0.5"), "gal")
    assert pack_size("DORITOS NACHO CHS 9.25OZ") == (Decimal("9.25"), "oz")
    assert pack_size("LG EGGS 12CT") is None


def test_fit_to_unit_turns_pieces_into_the_items_kind_of_unit():
    assert fit_to_unit("WHOLE MILK 1GAL", Decimal(2), "pcs", "l") == (Decimal(2), "gal")
    assert fit_to_unit("LG EGGS 12CT", Decimal(1), "pcs", "pcs") == (Decimal(1), "pcs")
    assert fit_to_unit("BANANAS", Decimal(1), "pcs", "kg") == (Decimal(1), "pcs")  # nothing to go on
