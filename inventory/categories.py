"""A curated grocery taxonomy and a keyword guesser, so a new item lands on a sensible shelf without asking."""

from __future__ import annotations

import re

from django.db import models


class Category(models.TextChoices):
    PRODUCE = "produce", "Fruit & vegetables"
    DAIRY = "dairy", "Dairy & eggs"
    MEAT_FISH = "meat_fish", "Meat & fish"
    BAKERY = "bakery", "Bread & bakery"
    PANTRY = "pantry", "Pasta, rice & baking"
    CANNED = "canned", "Tins & jars"
    BREAKFAST = "breakfast", "Breakfast & cereal"
    SNACKS = "snacks", "Snacks & sweets"
    CONDIMENTS = "condiments", "Oils, sauces & spices"
    FROZEN = "frozen", "Frozen"
    BEVERAGES = "beverages", "Drinks"
    HOUSEHOLD = "household", "Cleaning & household"
    PERSONAL_CARE = "personal_care", "Personal care"
    BABY = "baby", "Baby"
    PET = "pet", "Pet"
    OTHER = "other", "Other"


# Whole words and phrases. When several match, the phrase with more words wins ("baby spinach" over "baby",
# "peanut butter" over "butter"), then the longer one ("arugula" over "baby"), then the earlier category here.
_KEYWORDS: tuple[tuple[Category, tuple[str, ...]], ...] = (
    (Category.FROZEN, ("frozen", "ice cream", "ice", "fish fingers", "fish sticks", "sorbet", "pizza")),
    (
        Category.SNACKS,
        (
            "peanut butter",
            "chocolate",
            "chips",
            "crisps",
            "cookie",
            "biscuit",
            "candy",
            "popcorn",
            "nuts",
            "pretzel",
            "cracker",
            "gummy",
            "sweets",
            "snack",
        ),
    ),
    (Category.BABY, ("diaper", "diapers", "nappy", "nappies", "baby", "formula", "wipes", "baby food")),
    (Category.PET, ("dog", "cat food", "cat litter", "litter", "kibble", "pet")),
    (
        Category.HOUSEHOLD,
        (
            "dish",
            "detergent",
            "soap",
            "paper towel",
            "paper twl",
            "toilet paper",
            "bleach",
            "sponge",
            "trash bag",
            "bin bag",
            "foil",
            "cling film",
            "cleaner",
            "laundry",
        ),
    ),
    (
        Category.PERSONAL_CARE,
        ("shampoo", "toothpaste", "toothbrush", "deodorant", "razor", "lotion", "conditioner", "tissues"),
    ),
    (
        Category.BREAKFAST,
        (
            "cereal",
            "oats",
            "oatmeal",
            "granola",
            "muesli",
            "cheerios",
            "chrio",
            "cornflakes",
            "pancake",
            "syrup",
            "jam",
            "honey",
        ),
    ),
    (
        Category.BEVERAGES,
        (
            "juice",
            "coffee",
            "tea",
            "water",
            "soda",
            "cola",
            "coke",
            "pepsi",
            "beer",
            "wine",
            "lemonade",
            "sparkling",
        ),
    ),
    (
        Category.DAIRY,
        (
            "milk",
            "cheese",
            "ched",
            "yogurt",
            "yoghurt",
            "butter",
            "cream",
            "egg",
            "eggs",
            "mozzarella",
            "parmesan",
            "kefir",
        ),
    ),
    (
        Category.MEAT_FISH,
        (
            "chicken",
            "beef",
            "pork",
            "bacon",
            "ham",
            "sausage",
            "turkey",
            "lamb",
            "mince",
            "salmon",
            "tuna steak",
            "fish",
            "shrimp",
            "prawn",
            "steak",
        ),
    ),
    (
        Category.BAKERY,
        (
            "bread",
            "bagel",
            "baguette",
            "bun",
            "buns",
            "roll",
            "rolls",
            "tortilla",
            "croissant",
            "muffin",
            "pita",
            "loaf",
        ),
    ),
    (
        Category.CANNED,
        (
            "canned",
            "tinned",
            "tin",
            "can",
            "beans",
            "rotel",
            "tomato paste",
            "soup",
            "chickpeas",
            "tuna",
            "pickles",
            "olives",
        ),
    ),
    (
        Category.CONDIMENTS,
        (
            "oil",
            "vinegar",
            "ketchup",
            "mustard",
            "mayo",
            "mayonnaise",
            "sauce",
            "salt",
            "pepper",
            "black pepper",
            "spice",
            "cumin",
            "paprika",
            "oregano",
            "basil",
            "dressing",
            "stock cube",
        ),
    ),
    (
        Category.PANTRY,
        (
            "rice",
            "pasta",
            "spaghetti",
            "penne",
            "noodles",
            "flour",
            "sugar",
            "lentils",
            "quinoa",
            "couscous",
            "baking",
            "yeast",
        ),
    ),
    (
        Category.PRODUCE,
        (
            "apple",
            "apples",
            "banana",
            "bananas",
            "avocado",
            "tomato",
            "tomatoes",
            "potato",
            "potatoes",
            "onion",
            "onions",
            "garlic",
            "lettuce",
            "salad",
            "carrot",
            "carrots",
            "cucumber",
            "pepper",
            "lemon",
            "lime",
            "orange",
            "oranges",
            "berries",
            "strawberries",
            "grapes",
            "spinach",
            "baby spinach",
            "baby carrots",
            "baby potatoes",
            "baby corn",
            "bell pepper",
            "bell peppers",
            "arugula",
            "rocket",
            "broccoli",
            "mushrooms",
            "fruit",
            "vegetable",
            "veg",
            "pear",
            "grapefruit",
            "zucchini",
            "courgette",
            "celery",
            "kale",
            "herbs",
        ),
    ),
)


def _keyword_categories() -> dict[str, tuple[Category, int]]:
    """keyword -> (category, its rank in _KEYWORDS); the first category listing a word owns it ("pepper")."""
    owners: dict[str, tuple[Category, int]] = {}
    for rank, (category, words) in enumerate(_KEYWORDS):
        for word in words:
            owners.setdefault(word, (category, rank))
    return owners


_CATEGORY_OF = _keyword_categories()
# Longest alternatives first, so at each position the regex takes the phrase rather than its first word.
_PATTERN = re.compile(
    r"\b(?:" + "|".join(re.escape(word) for word in sorted(_CATEGORY_OF, key=len, reverse=True)) + r")\b"
)


def guess_category(name: str) -> Category:
    """The category of the most specific keyword found as whole words in `name`; OTHER when none is."""
    text = " ".join(name.casefold().split())
    found = [match.group() for match in _PATTERN.finditer(text)]
    if not found:
        return Category.OTHER
    best = max(found, key=lambda word: (len(word.split()), len(word), -_CATEGORY_OF[word][1]))
    return _CATEGORY_OF[best][0]
