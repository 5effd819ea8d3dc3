"""The zh_CN catalog is complete and in step with the code: every msgid used in tui/ is translated."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from tui import i18n

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "tui" / "locale" / "zh_CN" / "LC_MESSAGES" / "onestop.po"
KEYWORDS = {"_": None, "N_": None}  # the same keywords as tui/babel.cfg's extract command


def _code_msgids() -> set[str]:
    found = extract_from_dir(
        str(ROOT / "tui"), method_map=[("**.py", "python")], keywords=KEYWORDS, comment_tags=()
    )
    return {message for _file, _line, message, _comments, _ctx in found if isinstance(message, str)}


def _catalog() -> dict[str, str]:
    with PO.open("rb") as f:
        catalog = read_po(f, locale="zh_CN")
    return {m.id: m.string for m in catalog if m.id and isinstance(m.id, str) and not m.fuzzy}  # type: ignore[misc]


def _fields(text: str) -> set[str]:
    return {name for _lit, name, _spec, _conv in string.Formatter().parse(text) if name is not None}


def test_code_uses_messages() -> None:
    msgids = _code_msgids()
    assert {"Log in", "Find resident"} <= msgids, "extraction missed msgids known to be in tui/"


def test_every_msgid_in_the_code_has_a_chinese_translation() -> None:
    catalog = _catalog()
    missing = sorted(m for m in _code_msgids() if not catalog.get(m))
    assert missing == [], f"untranslated (or fuzzy) in {PO.name}: {missing}"


def test_catalog_has_no_messages_the_code_no_longer_uses() -> None:
    stale = sorted(set(_catalog()) - _code_msgids())
    assert stale == [], f"{PO.name} keeps msgids the code dropped (run pybabel update): {stale}"


def test_translations_keep_the_placeholders() -> None:
    wrong = {m: t for m, t in _catalog().items() if _fields(m) != _fields(t)}
    assert wrong == {}, f"placeholders differ between msgid and translation: {wrong}"


def test_translations_are_chinese() -> None:
    han = re.compile(r"[\u4e00-\u9fff]")
    # Abbreviations and separators may stay as they are; everything else is read by Chinese-speaking staff.
    exempt = {", ", "{name} ({role})", "{condition}: {decision} ({icd10})."}  # separators and layouts
    latin_only = sorted(m for m, t in _catalog().items() if m not in exempt and not han.search(t))
    assert latin_only == [], f"translations without Chinese characters: {latin_only}"


@pytest.mark.parametrize(("lang", "expected"), [("zh_CN", "登录"), ("zh", "登录"), ("en", "Log in")])
def test_language_switch(lang: str, expected: str) -> None:
    try:
        assert i18n.activate(lang) is None
        assert i18n._("Log in") == expected
    finally:
        i18n.activate(i18n.DEFAULT_LANGUAGE)


def test_unknown_language_is_refused_by_name() -> None:
    with pytest.raises(i18n.LanguageError, match="'fr'"):
        i18n.activate("fr")
