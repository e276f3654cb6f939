"""The formats for people who study text, each read by the tool of its field: W3C Web Annotations
expanded as JSON-LD (pyld) and re-anchored on the text, BRAT standoff parsed by a BRAT reader
(brat-peek), the AIF graph read by the `xaif` package, the dataset card loaded by Hugging Face
`datasets`, and Croissant validated and loaded by `mlcroissant`."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pyarrow.parquet as pq
import pytest
import yaml

from alliance_data.codebook.registry import TABLES
from alliance_data.codebook.vocabulary import LinkRelation, aif_scheme
from alliance_data.exports.aif import AIF_FILE
from alliance_data.exports.annotations import ANNOTATIONS_FILE, CONTEXT
from alliance_data.exports.brat import fragments
from alliance_data.release.croissant import CROISSANT_FILE
from conftest import DATA

pytestmark = pytest.mark.slow  # Reads every text format of a full release.

HERE = Path(__file__).parent
OA = "http://www.w3.org/ns/oa#"


def rows(published: Path, table: str) -> list[dict]:
    return pq.read_table(published / f"{table}.parquet").to_pylist()


def text_of(published: Path) -> str:
    return (published / "brat" / "irda.txt").read_bytes().decode("utf-8")


# W3C Web Annotation


def expanded(published: Path) -> list[dict]:
    from pyld import jsonld

    terms = json.loads((HERE / "contexts" / "web-annotation-terms.jsonld").read_text(encoding="utf-8"))

    def offline_loader(url, options=None):
        # Offline: the one remote context the file names resolves to its terms, nothing else.
        assert url == CONTEXT, url
        return {"contextUrl": None, "documentUrl": url, "document": terms}

    document = json.loads((published / ANNOTATIONS_FILE).read_text(encoding="utf-8"))
    return jsonld.expand(document, {"documentLoader": offline_loader, "base": (published / "x").as_uri()})


def test_annotations_expand_with_every_term_known(published):
    graph = expanded(published)
    claims, links = rows(published, "claims"), rows(published, "claim_links")
    [collection] = graph
    assert collection["@type"] == ["http://www.w3.org/ns/activitystreams#OrderedCollection"]
    items = collection["http://www.w3.org/ns/activitystreams#first"][0]["http://www.w3.org/ns/activitystreams#items"]
    annotations = items[0]["@list"]
    assert len(annotations) == len(claims) + len(links)
    document = json.loads((published / ANNOTATIONS_FILE).read_text(encoding="utf-8"))
    for item, compact in zip(annotations, document["first"]["items"], strict=True):
        # Expansion drops any key its context does not define: every key must come through.
        assert item["@type"] == [OA + "Annotation"]
        assert {OA + "hasBody", OA + "hasTarget", OA + "motivatedBy"} <= set(item)
        assert len(item) == len(compact)  # @id, @type and the three above
        for body, compact_body in zip(item[OA + "hasBody"], compact["body"], strict=True):
            assert len(body) == len(compact_body)
        if compact["motivation"] == "describing":
            [target] = item[OA + "hasTarget"]
            quote, position = target[OA + "hasSelector"]
            assert quote["@type"] == [OA + "TextQuoteSelector"]
            assert {OA + "exact", OA + "prefix", OA + "suffix"} <= set(quote)
            assert position["@type"] == [OA + "TextPositionSelector"]
            assert position[OA + "start"][0]["@value"] == compact["target"]["selector"][1]["start"]


def test_every_claim_annotation_reanchors_on_the_text(published):
    text = text_of(published)
    document = json.loads((published / ANNOTATIONS_FILE).read_text(encoding="utf-8"))
    claims = {claim["claim_id"]: claim for claim in rows(published, "claims")}
    anchored = 0
    for item in document["first"]["items"]:
        if item["motivation"] != "describing":
            continue
        quote, position = item["target"]["selector"]
        assert (published / item["target"]["source"]).is_file()
        start, end = position["start"], position["end"]
        assert text[start:end] == quote["exact"]
        assert text[max(0, start - len(quote["prefix"])) : start] == quote["prefix"]
        assert text[end : end + len(quote["suffix"])] == quote["suffix"]
        # Re-anchoring by quote alone finds the same place.
        found = text.find(quote["prefix"] + quote["exact"] + quote["suffix"])
        assert found + len(quote["prefix"]) == start
        claim = claims[item["id"].rsplit("/", 1)[1]]
        assert item["body"][0]["value"] == claim["statement"]
        anchored += 1
    assert anchored == len(claims)


def test_link_annotations_point_at_both_claims(published):
    document = json.loads((published / ANNOTATIONS_FILE).read_text(encoding="utf-8"))
    ids = {item["id"] for item in document["first"]["items"] if item["motivation"] == "describing"}
    links = [item for item in document["first"]["items"] if item["motivation"] == "linking"]
    assert len(links) == len(rows(published, "claim_links"))
    for link in links:
        assert len(link["target"]) == 2 and set(link["target"]) <= ids


# BRAT standoff


ATTRIBUTE_LINE = re.compile(r"^A\d+\t(?P<name>\S+) (?P<entity>T\d+) (?P<value>\S+)$")
NOTE_LINE = re.compile(r"^#\d+\tAnnotatorNotes (?P<entity>T\d+)\t(?P<note>[^\t\n]+)$")


def test_brat_round_trips_with_zero_offset_mismatches(published):
    from pybrat.parser import BratParser

    assert (published / "brat" / "irda.txt").read_bytes() == (DATA / "sources" / "irda.txt").read_bytes()
    # The parser raises on any malformed line, a relation to a missing entity or two entities on one span.
    [example] = BratParser(error="raise").parse(published / "brat")
    text = example.text
    claims = rows(published, "claims")
    assert len(example.entities) == len(claims)
    mismatches = 0
    by_id = {}
    for entity, claim in zip(example.entities, claims, strict=True):
        by_id[entity.id] = claim
        covered = " ".join(text[span.start : span.end] for span in entity.spans)
        mismatches += covered != entity.mention
        mismatches += (entity.spans[0].start, entity.spans[-1].end) != (claim["char_start"], claim["char_end"])
        assert entity.type == claim["kind"]
    assert mismatches == 0
    links = {(link["from_claim"], link["relation"], link["to_claim"]) for link in rows(published, "claim_links")}
    read = {(by_id[r.arg1.id]["claim_id"], r.type, by_id[r.arg2.id]["claim_id"]) for r in example.relations}
    assert read == links
    # Attributes and notes, which that parser skips, by the standoff format's own line grammar.
    attributes, notes = Counter(), 0
    for line in (published / "brat" / "irda.ann").read_text(encoding="utf-8").splitlines():
        if line.startswith("A"):
            match = ATTRIBUTE_LINE.match(line)
            assert match, line
            claim = by_id[match["entity"]]
            assert match["value"] == claim["certainty" if match["name"] == "Certainty" else "topic_id"]
            attributes[match["name"]] += 1
        elif line.startswith("#"):
            match = NOTE_LINE.match(line)
            assert match, line
            assert match["note"].startswith(by_id[match["entity"]]["claim_id"] + ": ")
            notes += 1
    assert attributes == {"Certainty": len(claims), "Topic": len(claims)}
    assert notes == len(claims)


def test_brat_cuts_a_span_at_line_breaks():
    text = "first line\nsecond\n\nthird"
    assert fragments(text, 6, 17) == [(6, 10), (11, 17)]
    assert fragments(text, 0, len(text)) == [(0, 10), (11, 17), (19, 24)]


def test_brat_configuration_declares_every_type_used(published):
    conf = (published / "brat" / "annotation.conf").read_text(encoding="utf-8")
    used = {line.split("\t")[1].split()[0] for line in (published / "brat" / "irda.ann").read_text().splitlines()}
    declared = {line.split("\t")[0] for line in conf.splitlines() if line and not line.startswith("[")}
    assert used - {"AnnotatorNotes"} <= declared


# Argument Interchange Format


def test_aif_graph_is_valid_for_the_xaif_package(published):
    from xaif import AIF

    graph = json.loads((published / AIF_FILE).read_text(encoding="utf-8"))
    aif = AIF(graph)
    assert aif.is_valid_json_aif()
    nodes = graph["AIF"]["nodes"]
    claims, links = rows(published, "claims"), rows(published, "claim_links")
    assert sum(node["type"] == "I" for node in nodes) == len(claims)
    expected = Counter(aif_scheme(LinkRelation(link["relation"])) for link in links)
    assert Counter(node["type"] for node in nodes if node["type"] in {"RA", "CA", "MA"}) == expected
    ids = {node["nodeID"] for node in nodes}
    assert all(edge["fromID"] in ids and edge["toID"] in ids for edge in graph["AIF"]["edges"])


def test_every_relation_has_an_aif_counterpart():
    assert {aif_scheme(relation) for relation in LinkRelation} <= {"RA", "CA", "MA"}


# Hugging Face datasets and Croissant (offline)


OFFLINE = {"HF_DATASETS_OFFLINE": "1", "HF_HUB_OFFLINE": "1"}


def run_python(code: str, cwd: Path, tmp_path: Path) -> str:
    environment = {**os.environ, **OFFLINE, "HF_HOME": str(tmp_path / "hf")}
    result = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", code], cwd=cwd, env=environment, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def test_dataset_card_loads_every_table_by_config(published, tmp_path):
    card = (published / "README.md").read_text(encoding="utf-8")
    metadata = yaml.safe_load(card.split("---")[1])
    assert [config["config_name"] for config in metadata["configs"]] == [table.name for table in TABLES]
    code = (
        "import datasets, json\n"
        "import os\n"
        "here = os.getcwd()\n"
        "counts = {name: datasets.load_dataset(here, name)['train'].num_rows for name in json.loads(input())}\n"
        "counts['parquet'] = datasets.load_dataset('parquet', data_files='claims.parquet')['train'].num_rows\n"
        "print(json.dumps(counts))"
    )
    environment = {**os.environ, **OFFLINE, "HF_HOME": str(tmp_path / "hf")}
    result = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", code],
        cwd=published,
        env=environment,
        input=json.dumps([table.name for table in TABLES]),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    counts = json.loads(result.stdout.strip().splitlines()[-1])
    for table in TABLES:
        assert counts[table.name] == pq.read_metadata(published / f"{table.name}.parquet").num_rows
    assert counts["parquet"] == counts["claims"]


def test_croissant_validates_and_every_record_set_matches_parquet(published, tmp_path):
    command = [str(Path(sys.executable).with_name("mlcroissant")), "validate", "--jsonld", CROISSANT_FILE]
    validated = subprocess.run(command, cwd=published, capture_output=True, text=True)
    assert validated.returncode == 0, validated.stderr[-3000:]
    code = (
        "import json, mlcroissant as mlc\n"
        "dataset = mlc.Dataset(jsonld='croissant.json')\n"
        "out = {}\n"
        "for record_set in json.load(open('croissant.json'))['recordSet']:\n"
        "    name = record_set['@id']\n"
        "    out[name] = [{k.split('/', 1)[1]: (v.decode() if isinstance(v, bytes) else v) for k, v in r.items()}\n"
        "                 for r in dataset.records(record_set=name)]\n"
        "print(json.dumps(out, default=str))"
    )
    loaded = json.loads(run_python(code, published, tmp_path).strip().splitlines()[-1])
    for table in TABLES:
        expected = rows(published, table.name)
        records = loaded[table.name]
        assert len(records) == len(expected) > 0, table.name
        for record, row in zip(records, expected, strict=True):
            for column in table.columns:
                value = record[column.name]
                if column.dtype == "integer" and value is not None and value == value:
                    value = int(float(value))
                if value != value:  # NaN is how a missing number loads
                    value = None
                assert value == row[column.name] or (value in ("", None) and row[column.name] is None), (
                    table.name,
                    column.name,
                )


def test_croissant_carries_the_responsible_ai_fields(published):
    document = json.loads((published / CROISSANT_FILE).read_text(encoding="utf-8"))
    for key in ("rai:dataCollection", "rai:dataAnnotationProtocol", "rai:dataLimitations", "rai:dataBiases"):
        assert len(document[key]) > 20
    assert "author's views" in document["rai:dataLimitations"]
    assert document["conformsTo"] == "http://mlcommons.org/croissant/1.1"
