"""Choosing a shelf for a new item: the configured LLM when it may be asked, the keyword guesser otherwise.

The model may only answer with a code from the curated taxonomy (a schema enum, checked by the llm app), so the
domain never stores a category it does not know. Every way of not getting an answer ends in the offline guess,
with a sentence a member can be shown when the reason is theirs to know (opt-out, budget, rate limit, failure).
The llm app knows nothing about categories: the prompt and schema live here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from inventory.categories import Category, guess_category
from llm.services import llm_complete
from llm.types import LLMRequest

# Bump when the prompt, the schema or the taxonomy changes: cached answers to the old wording stop being served.
PROMPT_VERSION = "category-2026-11-1"

CATEGORY_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["category"],
    "additionalProperties": False,
    "properties": {"category": {"type": "string", "enum": list(Category.values)}},
}

SYSTEM_PROMPT = (
    "You sort grocery and household items onto shelves. Names may be abbreviated as on a receipt "
    '(GV WHL MLK is whole milk). Answer with one JSON object only: {"category": code}, where code is one of:\n'
    + "\n".join(f"{code}: {label}" for code, label in Category.choices)
    + "\nUse other only when none of the others fits."
)

_GUESSED = "so the category was guessed from the name on this server. You can change it on the item's page."
_FALLBACK_MESSAGES = {
    "opt_out": f"Your household does not send data to an LLM, {_GUESSED}",
    "budget": f"Your household's monthly LLM budget is used up, {_GUESSED}",
    "rate_limit": f"Too many LLM requests in a short time, {_GUESSED}",
}


@dataclass(frozen=True)
class CategorySuggestion:
    category: str
    source: Literal["llm", "rules"]
    # Empty unless the member should know why the LLM was not used.
    message: str = ""


def suggest_category(*, household: Any, actor: Any, name: str) -> CategorySuggestion:
    """A taxonomy code for `name`. Call it outside any transaction: it may wait on a remote provider."""
    rules = guess_category(name)
    request = LLMRequest(
        system=SYSTEM_PROMPT,
        user=" ".join(name.split()),
        json_schema=CATEGORY_SCHEMA,
        prompt_version=PROMPT_VERSION,
        max_output_tokens=50,
        purpose="inventory.category",
    )
    outcome = llm_complete(request=request, household=household, actor=actor)
    if outcome.response is None:
        return CategorySuggestion(rules.value, "rules", _fallback_message(outcome.reason, outcome.notice))
    answer = outcome.response.data["category"]
    if answer == Category.OTHER and rules != Category.OTHER:
        # A keyword hit is a positive signal; the model giving up on the name is not a reason to drop it.
        return CategorySuggestion(rules.value, "rules")
    return CategorySuggestion(answer, "llm")


def _fallback_message(reason: str, notice: str) -> str:
    if reason == "offline":
        return ""  # no provider configured: the guesser is the product's normal behaviour, nothing to explain
    if reason.startswith("error:"):
        return f"The LLM could not help this time, {_GUESSED}"
    return _FALLBACK_MESSAGES.get(reason, notice)
