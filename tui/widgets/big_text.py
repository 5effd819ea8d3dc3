"""Big block letters for the queue number on screen: readable from a step back, like the printed ticket.

A 4×5 font of the digits and the capital letters (queue prefixes are letters); anything else is drawn as a
blank cell. Textual's own `Digits` knows A–F only, and team queues run from B to Z.
"""

from __future__ import annotations

from typing import Final

# Each glyph: five rows of four cells, "#" filled.
_FONT: Final[dict[str, tuple[str, ...]]] = {
    "0": (" ## ", "#  #", "#  #", "#  #", " ## "),
    "1": (" ## ", "  # ", "  # ", "  # ", " ###"),
    "2": ("### ", "   #", " ## ", "#   ", "####"),
    "3": ("### ", "   #", " ## ", "   #", "### "),
    "4": ("#  #", "#  #", "####", "   #", "   #"),
    "5": ("####", "#   ", "### ", "   #", "### "),
    "6": (" ## ", "#   ", "### ", "#  #", " ## "),
    "7": ("####", "   #", "  # ", " #  ", " #  "),
    "8": (" ## ", "#  #", " ## ", "#  #", " ## "),
    "9": (" ## ", "#  #", " ###", "   #", " ## "),
    "A": (" ## ", "#  #", "####", "#  #", "#  #"),
    "B": ("### ", "#  #", "### ", "#  #", "### "),
    "C": (" ###", "#   ", "#   ", "#   ", " ###"),
    "D": ("### ", "#  #", "#  #", "#  #", "### "),
    "E": ("####", "#   ", "### ", "#   ", "####"),
    "F": ("####", "#   ", "### ", "#   ", "#   "),
    "G": (" ###", "#   ", "# ##", "#  #", " ###"),
    "H": ("#  #", "#  #", "####", "#  #", "#  #"),
    "I": ("###", " # ", " # ", " # ", "###"),
    "J": ("  ##", "   #", "   #", "#  #", " ## "),
    "K": ("#  #", "# # ", "##  ", "# # ", "#  #"),
    "L": ("#   ", "#   ", "#   ", "#   ", "####"),
    "M": ("#  #", "####", "####", "#  #", "#  #"),
    "N": ("#  #", "## #", "# ##", "#  #", "#  #"),
    "O": (" ## ", "#  #", "#  #", "#  #", " ## "),
    "P": ("### ", "#  #", "### ", "#   ", "#   "),
    "Q": (" ## ", "#  #", "#  #", "# ##", " ###"),
    "R": ("### ", "#  #", "### ", "# # ", "#  #"),
    "S": (" ###", "#   ", " ## ", "   #", "### "),
    "T": ("####", " #  ", " #  ", " #  ", " #  "),
    "U": ("#  #", "#  #", "#  #", "#  #", " ## "),
    "V": ("#  #", "#  #", "#  #", " ## ", " #  "),
    "W": ("#  #", "#  #", "####", "####", "#  #"),
    "X": ("#  #", "#  #", " ## ", "#  #", "#  #"),
    "Y": ("#  #", "#  #", " ###", "   #", " ## "),
    "Z": ("####", "   #", " ## ", "#   ", "####"),
}
_BLANK: Final = ("    ",) * 5
ROWS: Final = 5


def big(text: str, *, fill: str = "█") -> list[str]:
    """The five rows of `text` in block letters, one blank column between letters."""
    glyphs = [_FONT.get(ch.upper(), _BLANK) for ch in text]
    return [" ".join(g[row] for g in glyphs).replace("#", fill) for row in range(ROWS)]
