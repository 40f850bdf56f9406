"""The Jinja2 environment for page content (see grapefruit.pages).

Jinja2 compiles templates to Python functions: a table of 100 rows renders in about a seventh of the time the
Django template language needs (docs/BENCHMARKS.md), which is what lets a 2,000-item pantry render close to an
empty page. The site layout stays a Django template (base.html) that every page, in either language, shares.
"""

from __future__ import annotations

from typing import Any

from django.contrib.staticfiles.storage import staticfiles_storage
from jinja2 import Environment, StrictUndefined

from grapefruit.templatetags.dates import day, moment
from grapefruit.urlbuilders import cached_reverse


def url(viewname: str, *args: Any, **kwargs: Any) -> str:
    return cached_reverse(viewname, *args, **kwargs)


def environment(**options: Any) -> Environment:
    # A misspelt variable fails the page (and its test) instead of rendering as an empty string.
    options["undefined"] = StrictUndefined
    options.pop("autoescape", None)  # Django's backend turns it on too; said here where it is read
    env = Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True, **options)
    env.globals.update(url=url, static=staticfiles_storage.url)
    env.filters.update(day=day, moment=moment)
    return env
