"""Provider selection: LLM_PROVIDER names one of the built-in providers or gives a dotted path to a class
with a `from_settings()` constructor, the way Django picks password hashers."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from llm.types import LLMProvider

BUILT_IN = {
    "openai": "llm.providers.openai_compat.OpenAICompatProvider",
    "gemini": "llm.providers.gemini.GeminiProvider",
    "offline": "llm.providers.offline.OfflineProvider",
}


def get_provider(name: str | None = None) -> LLMProvider:
    """Build the configured provider (a new one each call: settings may change between tests and requests)."""
    choice = name or settings.LLM_PROVIDER
    path = BUILT_IN.get(choice, choice)
    try:
        provider_class = import_string(path)
    except ImportError as exc:
        raise ImproperlyConfigured(f"LLM_PROVIDER {choice!r} is not one of {sorted(BUILT_IN)}") from exc
    return provider_class.from_settings()


def remote_provider_configured() -> bool:
    """Whether LLM_PROVIDER sends anything anywhere (checked on the class, without building a client)."""
    choice = settings.LLM_PROVIDER
    return bool(getattr(import_string(BUILT_IN.get(choice, choice)), "is_remote", False))
