"""Texts that probe the rules' text kernels: every whitespace Python knows (U+001C..U+001F too),
punctuation and symbols, and Unicode whose case mapping or category is unusual."""

from __future__ import annotations

import random

PIECES = ["a", "B", "z", " ", "\t", "\n", "\x0b", "\x0c", "\r", "\x1c", "\x1f", ".", "!", "?", "-", ",", ":", "$", "'"]
UNICODE = [
    "ß",
    "SS",
    "\u212a",
    "k",
    "ﬁ",
    "\u00a0",
    "\u2003",
    "\u2028",
    "\u3000",
    "É",
    "é",
    "’",
    "—",
    "€",
    "«",
    "\u0085",
    "Ω",
    "Σ",
    "ς",
    "Ǆ",
    "\u0130",
    "ı",
    "\u1680",
    "\u202f",
    "中",
    "🙂",
]


def texts(count: int = 1500, seed: int = 7) -> list[str]:
    chooser = random.Random(seed)
    pool = PIECES * 2 + UNICODE
    found = [chooser.choice(pool) for _ in range(len(pool))] + PIECES + UNICODE + ["", " ", "likely", "may  well"]
    while len(found) < count:
        found.append("".join(chooser.choice(pool) for _ in range(chooser.randint(0, 12))))
    return found
