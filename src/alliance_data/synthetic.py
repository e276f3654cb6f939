"""A synthetic corpus that is valid by construction, for the benchmarks and for testing the rules.

`generate(n_claims, seed)` builds an `alliance_data.curation.reading.Dataset` directly (tables of rows as
`Model.model_dump(mode="json")` gives them, origins, source texts): many generated sources,
each with its text, SHA-256 and length; sections whose spans cover the text and whose headings
are in it; topics of every kind; actors (states under real ISO 3166-1 alpha-3 codes); claims whose
quotes are exact slices of their section body with the right prefix and suffix, whose certainty is
what the hedge cue table gives, with claim_actors, the links every driver, risk and outlook needs,
and a second coding that agrees with the first.

`write_data_dir(dataset, path)` writes it as an authored data directory (YAML + source texts), so
the curators' path `alliance_data.curation.validate.validate(path)` runs on it.

`corrupt(dataset, k, seed)` applies k single invalid mutations to k distinct claims and returns
what it did, to show that the rules catch each one.

    python -m alliance_data.synthetic --claims 2000          # generate, check both paths, corrupt
"""

from __future__ import annotations

import argparse
import hashlib
import random
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .codebook.hedging import implied_certainty
from .codebook.registry import CHECKED_TABLES, TABLES
from .curation.anchoring import anchor_at
from .curation.derive import derive  # the step validate() runs between reading and the checks
from .curation.reading import Dataset, Origin, plain_table

CLAIMS_PER_SECTION = 40  # claim ids allow at most 999 per section
SECTIONS_PER_SOURCE = 6  # the introduction, then five headed sections
ORIGIN_FILE = "synthetic"

# Real ISO 3166-1 alpha-3 codes (checked against pycountry 26.2.16), with a display name.
STATES = {
    "IRN": "Iran",
    "RUS": "Russia",
    "USA": "the United States",
    "CHN": "China",
    "IND": "India",
    "TUR": "Türkiye",
    "SAU": "Saudi Arabia",
    "ISR": "Israel",
    "SYR": "Syria",
    "IRQ": "Iraq",
    "AFG": "Afghanistan",
    "PAK": "Pakistan",
    "ARM": "Armenia",
    "AZE": "Azerbaijan",
    "GEO": "Georgia",
    "KAZ": "Kazakhstan",
    "TKM": "Turkmenistan",
    "UZB": "Uzbekistan",
    "UKR": "Ukraine",
    "BLR": "Belarus",
    "DEU": "Germany",
    "FRA": "France",
    "GBR": "the United Kingdom",
    "JPN": "Japan",
    "KOR": "South Korea",
    "PRK": "North Korea",
    "VEN": "Venezuela",
    "CUB": "Cuba",
    "EGY": "Egypt",
    "ARE": "the United Arab Emirates",
    "QAT": "Qatar",
    "OMN": "Oman",
    "BRA": "Brazil",
    "ZAF": "South Africa",
    "CIV": "Côte d’Ivoire",
}
OTHER_ACTORS = {
    "EU": ("the European Union", "bloc"),
    "THE_WEST": ("the West", "bloc"),
    "BRICS": ("BRICS", "bloc"),
    "UN": ("the United Nations", "international_organization"),
    "SCO": ("the Shanghai Cooperation Organisation", "international_organization"),
    "OPEC_PLUS": ("OPEC+", "international_organization"),
    "SOVIET_UNION": ("the Soviet Union", "historical_state"),
    "PERSIAN_EMPIRE": ("the Persian Empire", "historical_state"),
    "CASPIAN_SEA": ("the Caspian Sea", "region"),
    "MIDDLE_EAST": ("the Middle East", "region"),
    "CENTRAL_ASIA": ("Central Asia", "region"),
    "HOUTHIS": ("the Houthis", "non_state_group"),
    "HEZBOLLAH": ("Hezbollah", "non_state_group"),
}
NAMES = {**STATES, **{actor_id: name for actor_id, (name, _) in OTHER_ACTORS.items()}}
ACTOR_IDS = list(NAMES)

KINDS = ("history", "driver", "area", "implication", "outlook", "risk")
KIND_WEIGHTS = (2, 3, 4, 2, 2, 2)
TOPICS_PER_KIND = 5
ROLES = ("subject", "partner", "counterpart", "target", "location")
HEADINGS = {
    "history": "The Historical Threads",
    "driver": "Why Now? The Drivers",
    "area": "Areas of Cooperation",
    "implication": "What It Means for the Region",
    "outlook": "Looking Ahead",
    "risk": "Challenges and Frictions",
}
FIELDS = ("energy", "arms transfers", "trade corridors", "banking", "nuclear diplomacy", "grain", "space", "drones")
VERBS = ("expand", "deepen", "coordinate", "finance", "secure", "renegotiate", "underwrite", "build")
# Quote frames; {cue} is filled from CUES. Certainty is always computed from the finished
# quote with `implied_certainty`, never assumed from the frame.
CUES = (
    ("", 10),
    ("will likely", 2),
    ("are expected to", 1),
    ("are poised to", 1),
    ("could", 2),
    ("might", 1),
    ("may", 1),
    ("could potentially", 1),
    ("might even", 1),
)
FILLER = (
    "The picture is more complicated than the headlines suggest — and it keeps changing.",
    "Observers in several capitals have followed this closely.",
    "None of this happened overnight.",
    "Officials on both sides have said as much in public.",
)
PERIODS = ((1979, 1991, "Cold War"), (1992, 2001, None), (1813, 1828, "Russo-Persian Wars"), (2015, 2015, None))


def _topics() -> list[dict[str, Any]]:
    return [
        {
            "topic_id": f"{kind}-t{number}",
            "kind": kind,
            "label": f"{kind.capitalize()} topic {number}",
            "description": f"Synthetic {kind} topic number {number}, for benchmarks.",
        }
        for kind in KINDS
        for number in range(1, TOPICS_PER_KIND + 1)
    ]


def _actors() -> list[dict[str, Any]]:
    rows = []
    for actor_id, name in STATES.items():
        rows.append(_actor(actor_id, name, "state", actor_id))
    for actor_id, (name, actor_type) in OTHER_ACTORS.items():
        rows.append(_actor(actor_id, name, actor_type, None))
    return rows


def _actor(actor_id: str, name: str, actor_type: str, iso3: str | None) -> dict[str, Any]:
    return {
        "actor_id": actor_id,
        "name": name[4:] if name.startswith("the ") else name,
        "actor_type": actor_type,
        "iso3": iso3,
        "cow_code": None,
        "wikidata_qid": None,
        "identifier_source": "synthetic" if iso3 else None,
        "active_from": None,
        "active_until": None,
    }


class _Builder:
    """Accumulates the rows of one generated dataset."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.rows: dict[str, list[dict[str, Any]]] = {table.name: [] for table in TABLES}
        self.texts: dict[str, str] = {}

    def source(self, number: int, n_claims: int) -> None:
        rng = self.rng
        source_id = f"syn{number:06d}"
        # Kinds first: every source has an area claim and a driver claim to link to.
        kinds = [rng.choices(KINDS, KIND_WEIGHTS)[0] for _ in range(n_claims)]
        kinds[0] = "area"
        if n_claims > 1:
            kinds[1] = "driver"
        counts = [0] * SECTIONS_PER_SOURCE
        for index in range(n_claims):
            counts[index * SECTIONS_PER_SOURCE // n_claims] += 1
        counts = [count for count in counts if count] or [0]

        parts: list[str] = [f"Synthetic Source {number}\nby Author {number % 97}\n\n"]
        length = len(parts[0])
        sections, claims, pending = [], [], []
        claim_index = 0
        for ordinal, count in enumerate(counts):
            section_id = f"{source_id}-s{ordinal}"
            section_kinds = kinds[claim_index : claim_index + count]
            char_start = length
            heading = None
            if ordinal:
                heading = f"{HEADINGS[section_kinds[0]]}, Part {ordinal}"
                parts.append(heading + "\n")
                length += len(heading) + 1
            body_start = length
            for number_in_section, kind in enumerate(section_kinds, start=1):
                if number_in_section > 1:
                    parts.append(" ")
                    length += 1
                if rng.random() < 0.3:
                    filler = rng.choice(FILLER) + " "
                    parts.append(filler)
                    length += len(filler)
                claim_id = f"{section_id}-{number_in_section:03d}"
                actors = self._claim_actors(claim_id)
                quote = self._quote(kind, actors, claim_id)
                pending.append((claim_id, section_id, kind, quote, length, actors))
                parts.append(quote + ".")
                length += len(quote) + 1
            sections.append(
                {
                    "section_id": section_id,
                    "source_id": source_id,
                    "ordinal": ordinal,
                    "heading": heading,
                    "short_name": HEADINGS[section_kinds[0]].split()[-1] if heading else "Introduction",
                    "char_start": char_start,
                    "body_start": body_start,
                    "char_end": length,
                }
            )
            parts.append("\n\n")  # between sections, in none
            length += 2
            claim_index += count
        text = "".join(parts)
        for claim_id, section_id, kind, quote, start, actors in pending:
            claims.append(self._claim(text, claim_id, source_id, section_id, kind, quote, start, actors))
        data = text.encode("utf-8")
        self.rows["sources"].append(
            {
                "source_id": source_id,
                "title": f"Synthetic Source {number}",
                "author": f"Author {number % 97}",
                "url": f"https://example.org/synthetic/{number}" if number % 3 else None,
                "published": f"20{10 + number % 15}" if number % 2 else None,
                "language": "en",
                "file_name": f"{source_id}.txt",
                "sha256": hashlib.sha256(data).hexdigest(),
                "char_count": len(text),
                "note": "Generated for benchmarks.",
            }
        )
        self.texts[source_id] = text
        self.rows["sections"].extend(sections)
        self.rows["claims"].extend(claims)
        self._links(claims)

    def _claim_actors(self, claim_id: str) -> list[dict[str, Any]]:
        rng = self.rng
        count = rng.choices((0, 1, 2, 3), (1, 4, 10, 3))[0]
        chosen = rng.sample(ACTOR_IDS[:6], min(count, 2)) + rng.sample(ACTOR_IDS[6:], max(0, count - 2))
        actors = [{"claim_id": claim_id, "actor_id": actor_id, "role": rng.choice(ROLES)} for actor_id in chosen]
        if actors and rng.random() < 0.1:
            actors[0]["role"] = "holder"
        return actors

    def _quote(self, kind: str, actors: list[dict[str, Any]], claim_id: str) -> str:
        rng = self.rng
        names = [NAMES[actor["actor_id"]] for actor in actors] or ["the two partners"]
        subject = " and ".join(names[:2])
        subject = subject[0].upper() + subject[1:]
        cue = rng.choices([cue for cue, _ in CUES], [weight for _, weight in CUES])[0]
        verb = rng.choice(VERBS)
        field = rng.choice(FIELDS)
        serial = claim_id.rsplit("-", 2)[-2:]
        tail = f"under arrangement {serial[0]}.{serial[1]}"
        if len(names) > 2:
            tail += f" with {names[2]}"
        if kind == "history":
            past = (verb + "ed").replace("eed", "ed")
            return f"{subject} {cue + ' have ' if cue else ''}{past} ties in {field} {tail}"
        if actors and actors[0]["role"] == "holder":
            return f"{subject.split(' and ')[0]} says its partners {cue + ' ' if cue else ''}{verb} {field} {tail}"
        return f"{subject} {cue + ' ' if cue else ''}{verb} cooperation in {field} {tail}"

    def _claim(
        self,
        text: str,
        claim_id: str,
        source_id: str,
        section_id: str,
        kind: str,
        quote: str,
        start: int,
        actors: list[dict[str, Any]],
    ) -> dict[str, Any]:
        rng = self.rng
        anchor = anchor_at(text, start, start + len(quote))
        assert anchor.quote == quote, (claim_id, anchor.quote, quote)
        time_frame = {"history": "historical", "outlook": "future"}.get(kind, "current")
        period_start = period_end = period_label = None
        if time_frame == "historical" and rng.random() < 0.7:
            period_start, period_end, period_label = rng.choice(PERIODS)
        attributed = any(actor["role"] == "holder" for actor in actors)
        self.rows["claim_actors"].extend(actors)
        return {
            "claim_id": claim_id,
            "source_id": source_id,
            "section_id": section_id,
            "kind": kind,
            "topic_id": f"{kind}-t{rng.randint(1, TOPICS_PER_KIND)}",
            "statement": f"In our words: {kind} claim {claim_id} about {len(actors)} actors.",
            "quote": quote,
            "char_start": anchor.char_start,
            "char_end": anchor.char_end,
            "prefix": anchor.prefix,
            "suffix": anchor.suffix,
            "certainty": implied_certainty(quote).value,
            "hedge_note": None,
            "hedge_cues": None,
            "booster_cues": None,
            "time_frame": time_frame,
            "period_start": period_start,
            "period_end": period_end,
            "period_label": period_label,
            "attribution": "attributed" if attributed else "author",
        }

    def _links(self, claims: list[dict[str, Any]]) -> None:
        rng = self.rng
        by_kind: dict[str, list[str]] = {}
        for claim in claims:
            by_kind.setdefault(claim["kind"], []).append(claim["claim_id"])
        areas, drivers = by_kind.get("area", []), by_kind.get("driver", [])
        links = self.rows["claim_links"]

        def link(from_claim: str, to_claim: str, relation: str) -> None:
            links.append(
                {
                    "from_claim": from_claim,
                    "to_claim": to_claim,
                    "relation": relation,
                    "basis": "inferred",
                    "signal_quote": None,
                    "signal_start": None,
                    "signal_end": None,
                    "justification": f"Synthetic link: {from_claim} {relation} {to_claim}.",
                }
            )

        quotes = {claim["claim_id"]: claim for claim in claims}
        for driver in drivers:
            link(driver, rng.choice(areas), "drives")
            # Each driver's first link is explicit, its signal the first word of its quote.
            claim = quotes[driver]
            signal = claim["quote"].split(" ", 1)[0]
            end = claim["char_start"] + len(signal)
            links[-1].update(basis="explicit", signal_quote=signal, signal_start=claim["char_start"], signal_end=end)
            self.rows["link_signals"].append(
                {
                    "source_id": claim["source_id"],
                    "signal_start": claim["char_start"],
                    "signal_end": end,
                    "signal_quote": signal,
                    "decision": "link",
                    "reason": f"Synthetic signal of the link from {driver}.",
                }
            )
            # The first word of a synthetic quote is no signal the codebook lists for drives: a
            # decision records it, as curators record a signal that departs from the table.
            decisions = self.rows["coding_decisions"]
            decisions.append(
                {
                    "decision_id": f"decision-{len(decisions) + 1:04d}",
                    "claim_id": driver,
                    "field": "signal",
                    "other_claim": links[-1]["to_claim"],
                    "raised_by": "critical_reading",
                    "first_coder": "drives, inferred",
                    "second_coder": "drives, explicit",
                    "resolved": "drives, explicit",
                    "reason": f"Synthetic decision: the signal {signal!r} marks the drives link here.",
                }
            )
        for outlook in by_kind.get("outlook", []):
            link(rng.choice(drivers), outlook, "drives")
        for risk in by_kind.get("risk", []):
            link(risk, rng.choice(areas), "poses_risk_to")
        for claim in claims:
            self.rows["second_coding"].append(
                {
                    "claim_id": claim["claim_id"],
                    "kind": claim["kind"],
                    "topic_id": claim["topic_id"],
                    "certainty": claim["certainty"],
                    "note": None,
                }
            )


def _origins(rows: dict[str, list[dict[str, Any]]]) -> dict[str, list[Origin]]:
    keys = {table.name: table.primary_key[0] for table in TABLES}
    origins: dict[str, list[Origin]] = {}
    for name, table_rows in rows.items():
        if name in ("claim_links", "second_links"):
            ids = [f"{row['from_claim']}->{row['to_claim']}" for row in table_rows]
        else:
            ids = [row[keys[name]] for row in table_rows]
        origins[name] = [Origin(ORIGIN_FILE, index + 1, record_id) for index, record_id in enumerate(ids)]
    return origins


def generate(n_claims: int, seed: int = 0) -> Dataset:
    """A valid dataset of exactly `n_claims` claims (actor_pairs not yet derived, as read_dataset leaves it)."""
    rng = random.Random(seed)
    builder = _Builder(rng)
    builder.rows["topics"] = _topics()
    builder.rows["actors"] = _actors()
    per_source = CLAIMS_PER_SECTION * SECTIONS_PER_SOURCE
    remaining, number = n_claims, 1
    while remaining > 0:
        count = min(per_source, remaining)
        builder.source(number, count)
        remaining -= count
        number += 1
    rows = builder.rows
    tables = {table.name: plain_table(table, rows[table.name]) for table in TABLES}
    return Dataset(Path(ORIGIN_FILE), tables, _origins(rows), builder.texts, {})


@dataclass
class Rows:
    """A dataset's tables as lists of row dicts, and their origins, to edit in place."""

    rows: dict[str, list[dict[str, Any]]]
    origins: dict[str, list[Origin]]


@contextmanager
def edited(dataset: Dataset) -> Iterator[Rows]:
    """The dataset's tables as rows to edit; on leaving, each table is replaced by its rows."""
    corpus = Rows({table.name: dataset.table(table.name).to_pylist() for table in CHECKED_TABLES}, dataset.origins)
    yield corpus
    for table in CHECKED_TABLES:
        dataset.set_table(table.name, plain_table(table, corpus.rows[table.name]))


# ---------------------------------------------------------------------------------------
# The authored form.


class _Dumper(yaml.CSafeDumper if hasattr(yaml, "CSafeDumper") else yaml.SafeDumper):  # type: ignore[misc]
    def ignore_aliases(self, data: Any) -> bool:
        return True


def _dump(path: Path, records: list[dict[str, Any]]) -> None:
    text = yaml.dump(records, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=1000) if records else "[]\n"
    path.write_text(text, encoding="utf-8")


def write_data_dir(dataset: Dataset, path: str | Path) -> Path:
    """Write `dataset` as an authored data directory that `alliance_data.curation.validate.validate` reads."""
    root = Path(path)
    (root / "sources").mkdir(parents=True, exist_ok=True)
    (root / "claims").mkdir(exist_ok=True)
    rows = {table.name: dataset.table(table.name).to_pylist() for table in TABLES}
    for source in rows["sources"]:
        (root / "sources" / source["file_name"]).write_bytes(dataset.texts[source["source_id"]].encode("utf-8"))
    authored = ("sources", "sections", "topics", "actors", "claim_links", "second_coding", "coding_decisions")
    for name in (*authored, "link_signals", "second_segmentation", "second_links"):
        _dump(root / f"{name}.yaml", rows.get(name, []))
    # The cues the build finds in quotes are derived; only governing cues are authored.
    _dump(root / "certainty_cues.yaml", [row for row in rows.get("certainty_cues", []) if row.get("scope") != "quote"])
    _dump(root / "retired_ids.yaml", [])
    actors: dict[str, list[dict[str, Any]]] = {}
    for row in rows["claim_actors"]:
        actors.setdefault(row["claim_id"], []).append({"actor_id": row["actor_id"], "role": row["role"]})
    by_section: dict[str, list[dict[str, Any]]] = {}
    for claim in rows["claims"]:
        derived = ("hedge_cues", "booster_cues")  # never authored
        record = {key: value for key, value in claim.items() if key not in derived}
        record["actors"] = actors.get(claim["claim_id"], [])
        by_section.setdefault(claim["section_id"], []).append(record)
    for section_id, records in by_section.items():
        _dump(root / "claims" / f"{section_id}.yaml", records)
    return root


# ---------------------------------------------------------------------------------------
# The rows as the models give them.


def check_models(dataset: Dataset) -> int:
    """Every row through its pydantic model; the number of rows whose JSON dump differs (0 when valid)."""
    from .codebook import models

    differing = 0
    for table in TABLES:
        for row in dataset.table(table.name).to_pylist():
            if row != table.model.model_validate(row).model_dump(mode="json"):
                differing += 1
    return differing + sum(
        row != models.ClaimActor.model_validate(row).model_dump(mode="json")
        for row in dataset.table("claim_actors").to_pylist()
    )


# ---------------------------------------------------------------------------------------
# Single invalid mutations, to show that the rules catch each.


def _bad_enum(claim: dict[str, Any], corpus: Rows) -> bool:
    claim["kind"] = "opinion"
    return True


def _span_shifted(claim: dict[str, Any], corpus: Rows) -> bool:
    claim["char_start"] += 1
    claim["char_end"] += 1
    return True


def _unknown_topic(claim: dict[str, Any], corpus: Rows) -> bool:
    claim["topic_id"] = "area-no-such-topic"
    return True


def _duplicate_id(claim: dict[str, Any], corpus: Rows) -> bool:
    # The claim takes the id of its predecessor in the same section.
    section, number = claim["claim_id"].rsplit("-", 1)
    if number == "001":
        return False
    claim["claim_id"] = f"{section}-{int(number) - 1:03d}"
    return True


def _cue_but_asserted(claim: dict[str, Any], corpus: Rows) -> bool:
    if claim["certainty"] == "asserted":
        return False
    claim["certainty"] = "asserted"
    return True


def _asserted_but_hedged(claim: dict[str, Any], corpus: Rows) -> bool:
    if claim["certainty"] != "asserted":
        return False
    claim["certainty"] = "possible"
    return True


def _statement_is_quote(claim: dict[str, Any], corpus: Rows) -> bool:
    claim["statement"] = claim["quote"] + "."
    return True


def _period_not_historical(claim: dict[str, Any], corpus: Rows) -> bool:
    if claim["time_frame"] == "historical":
        return False
    claim["period_start"] = 2001
    return True


def _wrong_prefix(claim: dict[str, Any], corpus: Rows) -> bool:
    claim["prefix"] = claim["prefix"][1:] + "x"
    return True


def _wrong_section(claim: dict[str, Any], corpus: Rows) -> bool:
    source, ordinal = claim["section_id"].rsplit("-s", 1)
    other = f"{source}-s{int(ordinal) + 1}" if int(ordinal) == 0 else f"{source}-s0"
    claim["section_id"] = other
    return True


def _attributed_without_holder(claim: dict[str, Any], corpus: Rows) -> bool:
    if claim["attribution"] != "author":
        return False
    claim["attribution"] = "attributed"
    return True


def _second_coder_disagrees(claim: dict[str, Any], corpus: Rows) -> bool:
    for row in corpus.rows["second_coding"]:
        if row["claim_id"] == claim["claim_id"]:
            row["certainty"] = "speculative" if row["certainty"] != "speculative" else "asserted"
            return True
    return False


def _history_period_reversed(claim: dict[str, Any], corpus: Rows) -> bool:
    if claim["period_start"] is None or claim["period_start"] == claim["period_end"]:
        return False
    claim["period_start"], claim["period_end"] = claim["period_end"], claim["period_start"]
    return True


def _statement_hides_a_character(claim: dict[str, Any], corpus: Rows) -> bool:
    claim["statement"] = claim["statement"][:3] + "\u202e" + claim["statement"][3:]  # a bidi override
    return True


def _statement_blank(claim: dict[str, Any], corpus: Rows) -> bool:
    claim["statement"] = "\u3000 " * 8
    return True


def _statement_is_quote_repunctuated(claim: dict[str, Any], corpus: Rows) -> bool:
    claim["statement"] = claim["quote"].upper().replace(" ", ", ", 1) + "!"
    return True


def _statement_too_long(claim: dict[str, Any], corpus: Rows) -> bool:
    from .codebook.models import MAX_TEXT_LENGTH

    claim["statement"] = "In our words: " + "x" * MAX_TEXT_LENGTH
    return True


def _incoming_drives(claim: dict[str, Any], corpus: Rows) -> dict[str, Any] | None:
    for link in corpus.rows["claim_links"]:
        if link["to_claim"] == claim["claim_id"] and link["relation"] == "drives":
            return link
    return None


def _link_back(claim: dict[str, Any], corpus: Rows, relation: str) -> bool:
    incoming = _incoming_drives(claim, corpus)
    if incoming is None:
        return False
    corpus.rows["claim_links"].append(
        {
            "from_claim": claim["claim_id"],
            "to_claim": incoming["from_claim"],
            "relation": relation,
            "basis": "inferred",
            "justification": f"Synthetic link back: {claim['claim_id']} {relation} {incoming['from_claim']}.",
        }
    )
    record_id = f"{claim['claim_id']}->{incoming['from_claim']}"
    corpus.origins["claim_links"].append(Origin(ORIGIN_FILE, len(corpus.rows["claim_links"]), record_id))
    return True


def _causal_cycle(claim: dict[str, Any], corpus: Rows) -> bool:
    return _link_back(claim, corpus, "implies")


def _causes_and_contradicts(claim: dict[str, Any], corpus: Rows) -> bool:
    return _link_back(claim, corpus, "contradicts")


def _signal_shifted(claim: dict[str, Any], corpus: Rows) -> bool:
    for link in corpus.rows["claim_links"]:
        if link["from_claim"] == claim["claim_id"] and link["basis"] == "explicit":
            link["signal_start"] += 1
            link["signal_end"] += 1
            return True
    return False


def _actor_before_its_years(claim: dict[str, Any], corpus: Rows) -> bool:
    if claim["period_start"] is None:
        return False
    actor_id = f"LATE{len(corpus.rows['actors'])}"
    corpus.rows["actors"].append(
        {**_actor(actor_id, "A late actor", "bloc", None), "active_from": claim["period_start"] + 1}
    )
    corpus.rows["claim_actors"].append({"claim_id": claim["claim_id"], "actor_id": actor_id, "role": "partner"})
    return True


MUTATIONS = {
    "bad_enum": _bad_enum,
    "span_shifted": _span_shifted,
    "unknown_topic": _unknown_topic,
    "duplicate_id": _duplicate_id,
    "hedge_cue_but_asserted": _cue_but_asserted,
    "asserted_but_hedged": _asserted_but_hedged,
    "statement_is_quote": _statement_is_quote,
    "period_not_historical": _period_not_historical,
    "period_reversed": _history_period_reversed,
    "wrong_prefix": _wrong_prefix,
    "wrong_section": _wrong_section,
    "attributed_without_holder": _attributed_without_holder,
    "second_coder_disagrees": _second_coder_disagrees,
    "statement_hides_a_character": _statement_hides_a_character,
    "statement_blank": _statement_blank,
    "statement_is_quote_repunctuated": _statement_is_quote_repunctuated,
    "statement_too_long": _statement_too_long,
    "causal_cycle": _causal_cycle,
    "causes_and_contradicts": _causes_and_contradicts,
    "signal_shifted": _signal_shifted,
    "actor_before_its_years": _actor_before_its_years,
}


def corrupt(dataset: Dataset, k: int, seed: int = 0) -> dict[str, str]:
    """Apply k single invalid mutations to k distinct claims, in place, cycling through MUTATIONS.

    Returns {claim_id: mutation name}, keyed by each claim's id before the mutation (the id its
    origin, and so its problems, carry). Neighbours of a duplicated id are left alone, so each
    mutation stays the only thing wrong with its claim.
    """
    with edited(dataset) as corpus:
        done = _corrupt(corpus, k, seed)
    if len(done) < k:
        raise ValueError(f"only {len(done)} of {k} mutations could be applied")
    return done


def _corrupt(corpus: Rows, k: int, seed: int) -> dict[str, str]:
    rng = random.Random(seed)
    claims = corpus.rows["claims"]
    order = rng.sample(range(len(claims)), len(claims))
    names = list(MUTATIONS)
    done: dict[str, str] = {}
    touched: set[int] = set()
    cursor = 0
    for index in order:
        if len(done) == k:
            break
        if index in touched or index - 1 in touched or index + 1 in touched:
            continue
        claim = claims[index]
        for attempt in range(len(names)):
            name = names[(cursor + attempt) % len(names)]
            if MUTATIONS[name](claim, corpus):
                done[corpus.origins["claims"][index].record_id] = name
                touched.add(index)
                cursor = (cursor + attempt + 1) % len(names)
                break
    return done


# ---------------------------------------------------------------------------------------


# One key for a problem on either path, one machine or Spark: (table, record, check), by the checks'
# own codes.
KEY_SEPARATOR = "|"  # as alliance_data.distributed.validate joins a record's key


def key_rows_by_table(dataset: Any) -> None:
    """Origins that name each row's table and primary key, so a Problem says which record of
    which table it is about (the synthetic origins carry neither)."""
    for table in CHECKED_TABLES:
        rows = dataset.table(table.name).select(list(table.primary_key)).to_pylist()
        dataset.origins[table.name] = [
            Origin(table.name, index + 1, KEY_SEPARATOR.join(str(row[k]) for k in table.primary_key))
            for index, row in enumerate(rows)
        ]


def problem_key(problem: Any) -> tuple[str, str | None, str]:
    return (problem.file, problem.record_id, problem.check)


def single_machine_keys(dataset: Any) -> set[tuple[str, str | None, str]]:
    from .problems import ProblemList
    from .rules import check_tables

    problems = ProblemList(limit=None)  # every problem, to compare with Spark's
    check_tables(dataset, problems)
    return {problem_key(problem) for problem in problems.problems}


def spark_keys(problems: Any) -> set[tuple[str, str | None, str]]:
    return {problem_key(problem) for problem in problems.problems}


def _self_check(n_claims: int, k: int) -> int:
    from .curation.validate import validate
    from .problems import ProblemList, ValidationFailed
    from .rules import check_tables

    started = time.perf_counter()
    dataset = generate(n_claims)
    print(
        f"generated {n_claims} claims in {time.perf_counter() - started:.1f} s: "
        + ", ".join(f"{name} {table.num_rows}" for name, table in dataset.tables.items())
    )
    print(f"rows that differ from their model's dump: {check_models(dataset)}")
    derive(dataset)
    problems = ProblemList(limit=None)  # every problem: the self-check counts them
    started = time.perf_counter()
    check_tables(dataset, problems)
    print(f"check_tables on the Dataset: {len(problems.problems)} problems ({time.perf_counter() - started:.1f} s)")
    for problem in problems.problems[:10]:
        print("  ", problem)
    failures = len(problems.problems)

    with tempfile.TemporaryDirectory() as directory:
        fresh = generate(n_claims)
        write_data_dir(fresh, directory)
        started = time.perf_counter()
        try:
            validated = validate(directory)
            print(
                f"validate(dir): 0 problems, {validated.table('claims').num_rows} claims "
                f"({time.perf_counter() - started:.1f} s)"
            )
        except ValidationFailed as error:
            print(f"validate(dir): {error.total} problems")
            for problem in error.problems[:10]:
                print("  ", problem)
            failures += error.total

    broken = generate(n_claims)
    mutated = corrupt(broken, k, seed=1)
    derive(broken)
    problems = ProblemList(limit=None)  # every problem: the self-check counts them
    check_tables(broken, problems)
    flagged = {problem.record_id for problem in problems.problems}
    text = "\n".join(problem.message for problem in problems.problems)
    caught = {claim_id for claim_id in mutated if claim_id in flagged or claim_id in text}
    print(f"corrupt: {len(mutated)} mutated claims, {len(caught)} caught, {len(problems.problems)} problems")
    for claim_id, name in mutated.items():
        mark = "caught" if claim_id in caught else "MISSED"
        print(f"   {mark:6} {name:28} {claim_id}")
    return 1 if failures or len(caught) != len(mutated) else 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=2000)
    parser.add_argument("--corrupt", type=int, default=26)
    arguments = parser.parse_args()
    sys.exit(_self_check(arguments.claims, arguments.corrupt))
