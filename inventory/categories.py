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


# Checked in order, first match wins: put specific words ("ice cream", "peanut butter") before the general
# words they contain ("cream", "butter").
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
    (Category.BABY, ("diaper", "nappy", "nappies", "baby", "formula", "wipes")),
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

_PATTERNS: tuple[tuple[Category, re.Pattern[str]], ...] = tuple(
    (category, re.compile(r"\b(?:" + "|".join(re.escape(word) for word in words) + r")\b"))
    for category, words in _KEYWORDS
)


def guess_category(name: str) -> Category:
    """The first category whose keywords appear as whole words in `name`; OTHER when nothing matches."""
    text = " ".join(name.casefold().split())
    for category, pattern in _PATTERNS:
        if pattern.search(text):
            return category
    return Category.OTHER
