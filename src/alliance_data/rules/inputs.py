"""The tables a rule may join besides the dataset's own, which every engine provides alike:
the source texts, the ids of records that failed their own checks, the cue table, the codebook's
signal table, where each claim was read from, and the computed relations."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow as pa

from ..codebook.hedging import HEDGE_CUES
from ..codebook.registry import TABLES_BY_NAME
from ..codebook.vocabulary import Certainty
from ..curation.reading import row_numbers
from ..curation.signals import listed_signals, signal_pattern, signal_weight

CLAIMS_DIR = Path(TABLES_BY_NAME["claims"].authored or "").parent.name
_LEVELS = list(Certainty)


def vocabulary_tables() -> dict[str, pa.Table]:
    """The cue table (`hedging.HEDGE_CUES`) with each level's rank, weakest last; and the signal
    table (`LinkRelation.signals`): each listed signal's relation, regex and weight."""
    signals = listed_signals()
    return {
        "relation_signals": pa.table(
            {
                "relation": pa.array([relation for relation, _ in signals], pa.string()),
                "signal": pa.array([signal for _, signal in signals], pa.string()),
                "pattern": pa.array([signal_pattern(signal) for _, signal in signals], pa.string()),
                "weight": pa.array([signal_weight(signal) for _, signal in signals], pa.int64()),
            }
        ),
        "hedge_cues": pa.table(
            {"cue": list(HEDGE_CUES), "rank": [_LEVELS.index(level) for level in HEDGE_CUES.values()]}
        ),
        "certainty_levels": pa.table({"rank": list(range(len(_LEVELS))), "level": [level.value for level in _LEVELS]}),
    }


def texts_table(texts: dict[str, str]) -> pa.Table:
    return pa.table({"source_id": pa.array(list(texts), pa.string()), "text": pa.array(list(texts.values()))})


def invalid_ids_table(invalid_ids: dict[str, set[str]]) -> pa.Table:
    pairs = sorted((table, str(identifier)) for table, ids in invalid_ids.items() for identifier in ids)
    return pa.table(
        {"table_name": pa.array([t for t, _ in pairs], pa.string()), "id": pa.array([i for _, i in pairs], pa.string())}
    )


def file_section(file: str) -> str | None:
    """The section whose file a claim was read from (claims/<section_id>.yaml); None otherwise."""
    path = Path(file)
    return path.stem if path.parent.name == CLAIMS_DIR and path.suffix == ".yaml" else None


def claim_files_table(files: list[str] | None) -> pa.Table:
    """Each claim's row and the section of the file it was read from (none for a corpus)."""
    files = files or []
    sections = {file: file_section(file) for file in set(files)}
    return pa.table(
        {
            "_row": row_numbers(len(files)),
            "file_section": pa.array([sections[file] for file in files], pa.string()),
            "claims_dir": pa.array([CLAIMS_DIR] * len(files), pa.string()),
        }
    )


def relation_table(columns: tuple[tuple[str, str], ...], rows: list[tuple[Any, ...]]) -> pa.Table:
    types = {"string": pa.string(), "integer": pa.int64()}
    return pa.table({name: pa.array([row[i] for row in rows], types[kind]) for i, (name, kind) in enumerate(columns)})
