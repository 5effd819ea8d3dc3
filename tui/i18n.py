"""Interface language: gettext catalogs compiled by Babel from tui/locale/<lang>/LC_MESSAGES/onestop.po."""

from __future__ import annotations

import gettext
from pathlib import Path

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "onestop"
DEFAULT_LANGUAGE = "zh_CN"

# Source strings are English, so English needs no catalog (NullTranslations returns the msgid).
_ALIASES = {
    "zh": "zh_CN",
    "zh_cn": "zh_CN",
    "zh-cn": "zh_CN",
    "zh_hans": "zh_CN",
    "en": "en",
    "en_us": "en",
    "en-us": "en",
    "en_gb": "en",
}


class _Active:
    """The process's interface language (one desk per process; tests switch it between apps)."""

    translations: gettext.NullTranslations = gettext.NullTranslations()
    language = "en"


class LanguageError(ValueError):
    """An interface language onestop has no catalog for."""


def normalise(lang: str) -> str:
    """`zh`, `zh-CN`, `zh_CN` → `zh_CN`; `en`, `en_US` → `en`; anything else is refused by name."""
    key = lang.strip().lower()
    if key not in _ALIASES:
        known = ", ".join(sorted({"zh_CN", "en"}))
        raise LanguageError(f"interface language must be one of {known}, got {lang!r}")
    return _ALIASES[key]


def activate(lang: str) -> str | None:
    """Make `lang` the language of every `_()` call; returns a warning if its catalog is missing.

    A missing .mo means the setup step (`pybabel compile -d tui/locale -D onestop`) did not run: the desk
    still works, in English, and the app shows the warning instead of refusing to start.
    """
    code = normalise(lang)
    if code == "en":
        _Active.translations, _Active.language = gettext.NullTranslations(), "en"
        return None
    try:
        translations = gettext.translation(DOMAIN, localedir=str(LOCALE_DIR), languages=[code])
    except FileNotFoundError:
        _Active.translations, _Active.language = gettext.NullTranslations(), "en"
        mo = LOCALE_DIR / code / "LC_MESSAGES" / f"{DOMAIN}.mo"
        return f"catalog {mo} is missing (run: pybabel compile -d tui/locale -D {DOMAIN}); showing English"
    _Active.translations, _Active.language = translations, code
    return None


def language() -> str:
    """The active language code: `zh_CN` or `en`."""
    return _Active.language


def _(message: str) -> str:
    """Translate a source string into the active language."""
    return _Active.translations.gettext(message)


def N_(message: str) -> str:
    """Mark a string for extraction without translating it yet (tables built at import time)."""
    return message
