"""What our own text may hold, defined once and written out for each engine that checks it.

Our own text (ids, statements, labels, names, notes) must show something, and must not hide
anything: no control characters, no bidirectional controls that reorder what a reader sees,
no zero-width or other invisible format characters. Nor does it hold markup, which has no
business in a statement or a label and would run as HTML where the text is shown: `<` followed
by an ASCII letter, `/`, `!` or `?` (the start of a tag, an end tag, a comment or declaration,
a processing instruction). `<` alone stays allowed ("a < b", "<5%"). Text copied from a source
(quotes, their context, headings) keeps what the source has and is not constrained here.

`PlainText()` is the field constraint the models carry; pydantic checks it with `is_plain`,
the JSON Schema and Spark views carry `PATTERN`, and the table checks use `refused_pattern`
and `visible_class` in RE2's syntax (Arrow's regex engine, which has no lookahead).
Kept free of heavy imports.
"""

from __future__ import annotations

import re
from typing import Any

# Characters our own text never holds: C0 and C1 control characters (a line break too:
# every such value is one line), the soft hyphen, the Arabic letter mark, the Mongolian vowel
# separator, zero-width spaces and joiners, left-to-right and right-to-left marks, the line and
# paragraph separators, bidirectional embeddings, overrides and isolates, the word joiner and
# invisible operators, the byte order mark, interlinear annotation marks.
FORBIDDEN = (
    (0x0000, 0x001F),
    (0x007F, 0x009F),
    (0x00AD, 0x00AD),
    (0x061C, 0x061C),
    (0x180E, 0x180E),
    (0x200B, 0x200F),
    (0x2028, 0x202E),
    (0x2060, 0x206F),
    (0xFEFF, 0xFEFF),
    (0xFFF9, 0xFFFB),
)
# Characters that show nothing: spaces of every width and the blank fillers. Allowed between
# words, but a value made only of these says nothing.
BLANK = (
    (0x0020, 0x0020),
    (0x00A0, 0x00A0),
    (0x115F, 0x1160),
    (0x1680, 0x1680),
    (0x2000, 0x200A),
    (0x202F, 0x202F),
    (0x205F, 0x205F),
    (0x2800, 0x2800),
    (0x3000, 0x3000),
    (0x3164, 0x3164),
    (0xFFA0, 0xFFA0),
)


def _class(ranges: tuple[tuple[int, int], ...], escape: str, negated: bool = False) -> str:
    parts = [escape.format(low) + ("" if low == high else "-" + escape.format(high)) for low, high in ranges]
    return "[" + ("^" if negated else "") + "".join(parts) + "]"


_U = "\\u{:04X}"  # Python re, ECMAScript (JSON Schema) and Java (Spark)
_X = "\\x{{{:04X}}}"  # RE2 (Arrow)

# The start of markup: the same text in every engine's syntax.
MARKUP = "<[A-Za-z/!?]"

# A plain value: no forbidden character and no markup anywhere, and one character that is neither
# blank nor forbidden. One pattern for Python's re, ECMAScript and Java (`\uXXXX` escapes, a lookahead).
PATTERN = f"^(?![\\s\\S]*(?:{_class(FORBIDDEN, _U)}|{MARKUP}))[\\s\\S]*?{_class(FORBIDDEN + BLANK, _U, negated=True)}"
_PLAIN = re.compile(PATTERN)
_FORBIDDEN = re.compile(_class(FORBIDDEN, _U))
_MARKUP = re.compile(MARKUP)


def refused_pattern() -> str:
    """RE2 pattern of what our own text never holds (a forbidden character, the start of markup):
    a value matching it anywhere is refused."""
    return f"{_class(FORBIDDEN, _X)}|{MARKUP}"


def visible_class() -> str:
    """RE2 character class of the characters that show something: a value must match it somewhere."""
    return _class(FORBIDDEN + BLANK, _X, negated=True)


def is_plain(value: str) -> bool:
    return _PLAIN.match(value) is not None


def problem(value: str) -> str | None:
    """What is wrong with a value that is not plain, naming the first hidden character or the
    markup; None when plain. The compiled pattern answers first: almost every value is plain."""
    if _PLAIN.match(value) is not None:
        return None
    hidden = _FORBIDDEN.search(value)
    if hidden is not None:
        return (
            f"holds the hidden or control character U+{ord(hidden.group()):04X} at position {hidden.start()}: "
            "no control, bidirectional or zero-width character may stand in our own text"
        )
    markup = _MARKUP.search(value)
    if markup is not None:
        return (
            f"holds markup ({value[markup.start() : markup.start() + 12]!r} at position {markup.start()}): "
            "a tag, comment or declaration has no business in our own text (write '<' only before a space "
            "or a digit)"
        )
    return "is blank: it holds only spaces or invisible characters"


class PlainText:
    """Field constraint: the value is plain text of our own (see the module docstring).

    pydantic validates it after the field's other checks; its JSON Schema gets `PATTERN`.
    `columns.py` reads it into `Column.plain`, from which the table checks are derived.
    """

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> Any:
        from pydantic_core import core_schema

        return core_schema.no_info_after_validator_function(_validate, handler(source))

    def __get_pydantic_json_schema__(self, schema: Any, handler: Any) -> Any:
        json_schema = handler(schema)
        json_schema["pattern"] = PATTERN
        return json_schema

    def __repr__(self) -> str:
        return "PlainText()"


def _validate(value: str) -> str:
    wrong = problem(value)
    if wrong is not None:
        raise ValueError(f"text {wrong} (retype it, or paste it as plain text)")
    return value
