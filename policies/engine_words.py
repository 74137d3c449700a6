"""The policy engine's words: gettext in the language one evaluation reads once, and rates as percentages.

Django's gettext reads the active language from its context on every call (a few µs), and a calculation run
evaluates 100,000 projects. The engine reads it once per evaluation (`_speaking`); `_` then costs a cached lookup.
"""

from __future__ import annotations

from contextvars import ContextVar
from decimal import Decimal
from functools import lru_cache, wraps

from django.utils import translation
from django.utils.translation import get_language, gettext

_UNSET = object()
_LANGUAGE: ContextVar = ContextVar("policy_engine_language", default=_UNSET)


def _speaking(function):
    """Run `function` with the active language read once, for every `_` inside it."""

    @wraps(function)
    def speaking(*args, **kwargs):
        token = _LANGUAGE.set(get_language())
        try:
            return function(*args, **kwargs)
        finally:
            _LANGUAGE.reset(token)

    return speaking


def _(message: str) -> str:
    """gettext in the language `_speaking` read (or the active one, outside it)."""
    language = _LANGUAGE.get()
    return _words(get_language() if language is _UNSET else language, message)


@lru_cache(maxsize=256)
def _words(language: str | None, message: str) -> str:
    with translation.override(language):
        return gettext(message)


@lru_cache(maxsize=256)
def _pct(rate: Decimal) -> str:
    percent = (rate * 100).normalize()
    return f"{percent:f}%"
