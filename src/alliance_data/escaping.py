"""Text from the data or from the file system, escaped for where it goes: one helper per target.

A record id, a value or a file name is whatever its author wrote; printed or rendered raw it can
forge a line of a report ("0 problems found"), clear a terminal with ANSI escapes, or run as a
script in a page. Every place that puts such text into output goes through one of these:

- `for_terminal`: a line on a terminal or in a log; control characters, line breaks, ANSI
  escapes and invisible reordering characters become visible escapes (`\\n`, `\\x1b`, `\\u202e`).
- `json_for_terminal`: a JSON document for a terminal or a pipe; the same characters are written
  as JSON escapes (`\\u009b`), so the document reads back to the same value.
- `for_markdown`: inline Markdown text (release notes, reports); Markdown syntax is
  backslash-escaped, `<`, `>` and `&` become entities, a line break becomes a space;
  `for_markdown_code` puts an id or a name in a code span that nothing inside can close.
- `for_html`: HTML text or a quoted attribute value.
- `for_inline_script`: a value as JSON inside `<script>`; `<`, `>`, `&`, U+2028 and U+2029
  become `\\uXXXX`, so neither `</script>` nor `<!--` can end or change the script.
- `for_csv_cell`: a cell a spreadsheet opens; a value that would be read as a formula
  (starting with `=`, `+`, `-`, `@`, a tab or a carriage return) is prefixed with `'`.

Kept free of imports beyond the standard library.
"""

from __future__ import annotations

import html
import json
import re
from typing import Any

# C0 and C1 controls (line breaks and ESC among them), DEL, and the invisible characters that
# reorder or hide what a reader sees (bidirectional controls, zero-width characters, line and
# paragraph separators, the byte order mark).
_INVISIBLE = "\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff"
_UNPRINTABLE = re.compile(f"[\x00-\x1f{_INVISIBLE}]")
# json.dumps writes every C0 control inside a string as an escape: a raw one in its output is the
# document's own whitespace (indentation), which stays.
_UNPRINTABLE_IN_JSON = re.compile(f"[{_INVISIBLE}]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _visible(match: re.Match[str]) -> str:
    character = match.group()
    if character in _NAMED:
        return _NAMED[character]
    code = ord(character)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def for_terminal(value: Any) -> str:
    """`value` as text that stays on one line and cannot drive the terminal."""
    return _UNPRINTABLE.sub(_visible, str(value))


def json_for_terminal(value: Any, **options: Any) -> str:
    """`value` as JSON (non-ASCII text kept readable) in which no character can drive the terminal:
    json.dumps escapes the C0 controls only, so C1 controls (U+009B is CSI) and bidirectional
    overrides would pass; outside strings JSON is ASCII, so escaping them keeps the same value."""
    text = json.dumps(value, ensure_ascii=False, **options)
    return _UNPRINTABLE_IN_JSON.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


# What Markdown (CommonMark and Python-Markdown, as mkdocs runs it) reads as syntax anywhere in a
# line, and what it reads as a block marker at the start of one (a heading, a list, a quote).
_MARKDOWN_INLINE = re.compile(r"([\\`*_{}\[\]|~!])")
# What opens a Markdown block at the start of a line: a quote or setext mark at once; a heading,
# a bullet or a number only before a space or the end (CommonMark), so "1.0.0" stays as it is.
_MARKDOWN_BLOCK_START = re.compile(r"^(\s*)([>=]|#+(?=\s|$)|[+\-](?=\s|$)|\d+[.)](?=\s|$))")
_LINE_BREAKS = re.compile(r"\r\n|[\r\n\u2028\u2029\x85]")


def _one_line(value: Any) -> str:
    return for_terminal(_LINE_BREAKS.sub(" ", str(value)))


def for_markdown(value: Any) -> str:
    """`value` as inline Markdown that shows exactly its text: no markup, no HTML, one line."""
    text = _one_line(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _MARKDOWN_INLINE.sub(r"\\\1", text)
    return _MARKDOWN_BLOCK_START.sub(lambda m: m.group(1) + "\\" + m.group(2), text)


def for_markdown_code(value: Any) -> str:
    """`value` as a Markdown code span (an id, a name): fenced by more backticks than any run of
    them inside, so it cannot close early; HTML is never read inside a code span."""
    text = _one_line(value)
    longest = max((len(run) for run in re.findall("`+", text)), default=0)
    fence = "`" * (longest + 1)
    padded = f" {text} " if text.startswith("`") or text.endswith("`") or not text.strip() else text
    return f"{fence}{padded}{fence}"


def for_html(value: Any) -> str:
    """`value` as HTML text, also safe inside a quoted attribute."""
    return html.escape(str(value), quote=True)


_SCRIPT_UNSAFE = str.maketrans(
    {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
)


def for_inline_script(value: Any, indent: int | None = None) -> str:
    """`value` as a JSON literal to put inside an inline `<script>` (`indent` as json.dumps's)."""
    return json.dumps(value, ensure_ascii=False, sort_keys=False, indent=indent).translate(_SCRIPT_UNSAFE)


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def for_csv_cell(value: Any) -> str:
    """`value` as a spreadsheet cell that is never evaluated as a formula."""
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text
