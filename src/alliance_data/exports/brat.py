"""BRAT standoff files (https://brat.nlplab.org/standoff.html), the format of the brat annotation
tool and of many argument-mining and hedge-detection corpora.

Per source: `brat/<source_id>.txt` is the text byte for byte and `brat/<source_id>.ann` holds
one text-bound annotation per claim (its kind as type, its quote's character offsets), the
claim's certainty and topic as attributes, its links as relations with their basis (explicit or
implicit in the text, or inferred by the curators) as an attribute, and its id and statement as annotator
notes. `brat/annotation.conf` declares the types, so the folder opens in brat as is: claims
nest and cross one another (a claim inside a longer one, two claims sharing words), which brat
refuses unless the configuration allows it, so it declares those overlaps (`<OVERLAP>`,
https://brat.nlplab.org/configuration.html). A quote that crosses a line break is written as
fragments, one per line, as brat requires.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa

from ..codebook.registry import TABLES_BY_NAME

BRAT_DIR = "brat"
CONF_FILE = "annotation.conf"
# How two claims' spans may overlap, in brat's terms: one inside the other, or crossing. Never
# `equal`: two claims on the very same span would be one claim recorded twice.
OVERLAPS = ("contain", "cross")


def fragments(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The span start..end cut at line breaks into the non-empty pieces brat accepts."""
    pieces, position = [], start
    for line in text[start:end].split("\n"):
        if line:
            pieces.append((position, position + len(line)))
        position += len(line) + 1
    return pieces


def _clean(value: str) -> str:
    # A standoff line ends at a newline and its fields at a tab.
    return " ".join(value.split())


def _levels(table: str, column: str) -> list[str]:
    return next(c for c in TABLES_BY_NAME[table].columns if c.name == column).levels


def annotation_conf(topics: list[str]) -> str:
    kinds = _levels("claims", "kind")
    relations = _levels("claim_links", "relation")
    certainties = _levels("claims", "certainty")
    lines = ["[entities]", *kinds, "", "[relations]"]
    lines += [f"{relation}\tArg1:<ENTITY>, Arg2:<ENTITY>" for relation in relations]
    lines.append(f"<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:{'|'.join(OVERLAPS)}")
    lines += ["", "[events]", "", "[attributes]"]
    lines.append(f"Certainty\tArg:<ENTITY>, Value:{'|'.join(certainties)}")
    lines.append(f"Topic\tArg:<ENTITY>, Value:{'|'.join(topics)}")
    lines.append(f"Basis\tArg:<RELATION>, Value:{'|'.join(_levels('claim_links', 'basis'))}")
    return "\n".join(lines) + "\n"


def standoff(source_id: str, text: str, tables: dict[str, pa.Table]) -> str:
    """The .ann file of one source."""
    claims = [row for row in tables["claims"].to_pylist() if row["source_id"] == source_id]
    entity = {}
    lines = []
    for number, claim in enumerate(claims, start=1):
        name = f"T{number}"
        entity[claim["claim_id"]] = name
        pieces = fragments(text, claim["char_start"], claim["char_end"])
        spans = ";".join(f"{start} {end}" for start, end in pieces)
        covered = " ".join(text[start:end] for start, end in pieces)
        lines.append(f"{name}\t{claim['kind']} {spans}\t{covered}")
    attribute = 0
    for claim in claims:
        for label, value in (("Certainty", claim["certainty"]), ("Topic", claim["topic_id"])):
            attribute += 1
            lines.append(f"A{attribute}\t{label} {entity[claim['claim_id']]} {value}")
    relation = 0
    for link in tables["claim_links"].to_pylist():
        if link["from_claim"] in entity and link["to_claim"] in entity:
            relation += 1
            arguments = f"Arg1:{entity[link['from_claim']]} Arg2:{entity[link['to_claim']]}"
            lines.append(f"R{relation}\t{link['relation']} {arguments}")
            if link.get("basis"):
                attribute += 1
                lines.append(f"A{attribute}\tBasis R{relation} {link['basis']}")
    for number, claim in enumerate(claims, start=1):
        note = _clean(f"{claim['claim_id']}: {claim['statement']}")
        lines.append(f"#{number}\tAnnotatorNotes {entity[claim['claim_id']]}\t{note}")
    return "\n".join(lines) + "\n"


def write_brat(tables: dict[str, pa.Table], texts: dict[str, str], directory: Path) -> list[Path]:
    """Write brat/<source>.txt, brat/<source>.ann and brat/annotation.conf; return the paths."""
    folder = directory / BRAT_DIR
    folder.mkdir(exist_ok=True)
    written = []
    for source_id, text in sorted(texts.items()):
        txt, ann = folder / f"{source_id}.txt", folder / f"{source_id}.ann"
        # Byte for byte: newline="" keeps the text's own line endings.
        with open(txt, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        ann.write_text(standoff(source_id, text, tables), encoding="utf-8")
        written += [txt, ann]
    conf = folder / CONF_FILE
    conf.write_text(annotation_conf(sorted(tables["topics"].column("topic_id").to_pylist())), encoding="utf-8")
    return [*written, conf]
