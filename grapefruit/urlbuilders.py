"""URLs without reversing them again on every request.

`reverse()` walks the URL resolver on each call (10-25 µs); a list page reversing a dozen names per view, or one
per row, pays for it on every request. A URL depends only on the view name, its arguments, the script prefix and
the URL configuration, so it is remembered per process under all four; Django's own resolver caches are emptied
when ROOT_URLCONF changes (tests), and so is this one.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.signals import setting_changed
from django.urls import get_script_prefix, get_urlconf, reverse

# An id no row has, used to find where the real id goes in the reversed URL.
_PLACEHOLDER = 9_876_543_210


@functools.lru_cache(maxsize=2048)
def _reverse(
    viewname: str, args: tuple[Any, ...], kwargs: tuple[tuple[str, Any], ...], prefix: str, urlconf: Any
) -> str:
    return reverse(viewname, urlconf=urlconf, args=args or None, kwargs=dict(kwargs) or None)


def cached_reverse(viewname: str, *args: Any, **kwargs: Any) -> str:
    """reverse(viewname, args=args, kwargs=kwargs), remembered for this process."""
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    return _reverse(viewname, args, tuple(sorted(kwargs.items())), get_script_prefix(), urlconf)


def id_url(viewname: str, kwarg: str) -> Callable[[int], str]:
    """A function giving `viewname`'s URL for an id, for URL patterns with one integer argument `kwarg`."""
    prefix, suffix = cached_reverse(viewname, **{kwarg: _PLACEHOLDER}).split(str(_PLACEHOLDER))
    return lambda pk: f"{prefix}{pk}{suffix}"


def _forget_on_new_urlconf(*, setting: str, **kwargs: object) -> None:
    if setting == "ROOT_URLCONF":
        _reverse.cache_clear()


setting_changed.connect(_forget_on_new_urlconf, dispatch_uid="grapefruit.urlbuilders.reverse")
