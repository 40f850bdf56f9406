import pytest

from inventory.categories import Category, guess_category


@pytest.mark.parametrize(
    ("name", "category"),
    [
        ("Whole milk", Category.DAIRY),
        ("GV LG EGGS 12CT", Category.DAIRY),
        ("Peanut butter", Category.SNACKS),
        ("Butter", Category.DAIRY),
        ("Vanilla ice cream", Category.FROZEN),
        ("Bananas", Category.PRODUCE),
        ("Basmati rice", Category.PANTRY),
        ("Olive oil", Category.CONDIMENTS),
        ("Dawn dish soap", Category.HOUSEHOLD),
        ("Sourdough bread", Category.BAKERY),
        ("Coffee beans", Category.BEVERAGES),
    ],
)
def test_guess_category_from_name(name, category):
    assert guess_category(name) == category


def test_guess_matches_whole_words_only():
    # "scan" contains "can" and "oil" is inside "boiler": neither is a tin or an oil.
    assert guess_category("Scanner boiler") == Category.OTHER


@pytest.mark.parametrize(
    ("name", "category"),
    [
        ("ORG BABY SPINACH 5OZ", Category.PRODUCE),
        ("Baby carrots", Category.PRODUCE),
        ("Baby arugula", Category.PRODUCE),
        ("Baby wipes", Category.BABY),
        ("Baby food pouches", Category.BABY),
        ("Crunchy peanut butter", Category.SNACKS),
        ("Red bell pepper", Category.PRODUCE),
        ("Ground black pepper", Category.CONDIMENTS),
        ("Tuna steak", Category.MEAT_FISH),
    ],
)
def test_phrases_beat_the_single_words_inside_them(name, category):
    assert guess_category(name) == category
