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

from alliance_data import about
from alliance_data.codebook.registry import TABLES
from alliance_data.codebook.vocabulary import LinkRelation, aif_scheme
from alliance_data.exports.aif import AIF_FILE, CURATORS_BASIS
from alliance_data.exports.annotations import ANNOTATIONS_FILE, CONTEXT, claim_iri, quote_iri, source_path
from alliance_data.exports.brat import OVERLAPS, fragments
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
        # The target is the canonical copy of the text, sources/<id>.txt, by its absolute IRI.
        assert item["target"]["source"] == about.resource_iri(source_path("irda"))
        start, end = position["start"], position["end"]
        assert text[start:end] == quote["exact"]
        assert text[max(0, start - len(quote["prefix"])) : start] == quote["prefix"]
        assert text[end : end + len(quote["suffix"])] == quote["suffix"]
        # Re-anchoring by quote alone finds the same place.
        found = text.find(quote["prefix"] + quote["exact"] + quote["suffix"])
        assert found + len(quote["prefix"]) == start
        claim = claims[item["id"].rsplit("#", 1)[1]]
        assert item["id"] == claim_iri(claim["claim_id"]) and item["target"]["id"] == quote_iri(claim["claim_id"])
        assert item["body"][0]["value"] == claim["statement"]
        anchored += 1
    assert anchored == len(claims)


def claim_of(quote: str) -> str:
    """The claim id of a quote's IRI (`…#irda-s3-004/quote`)."""
    return quote.rsplit("#", 1)[1].removesuffix("/quote")


def test_link_annotations_keep_their_direction_and_basis(published):
    """The model's linking pattern: the from-claim's quote is the target, the to-claim's the first
    body; the relation and the basis classify the link."""
    document = json.loads((published / ANNOTATIONS_FILE).read_text(encoding="utf-8"))
    claims = {item["target"]["id"]: item for item in document["first"]["items"] if item["motivation"] == "describing"}
    links = [item for item in document["first"]["items"] if item["motivation"] == "linking"]
    links_table = rows(published, "claim_links")
    expected = {(li["from_claim"], li["relation"], li["to_claim"], li["basis"]) for li in links_table}
    read = set()
    for link in links:
        # The same resource as the from-claim's target, with the same selectors, so tools anchor it.
        assert link["target"] == claims[link["target"]["id"]]["target"]
        to_quote, *classifying = link["body"]
        assert to_quote.pop("purpose") == "linking" and to_quote == claims[to_quote["id"]]["target"]
        labelled = {body["label"]: body["value"] for body in classifying if body["purpose"] == "classifying"}
        read.add((claim_of(link["target"]["id"]), labelled["relation"], claim_of(to_quote["id"]), labelled["basis"]))
    assert read == expected


def test_link_direction_survives_in_rdf(published):
    """Expanded as JSON-LD, a link's target (the from-claim) and its linking body (the to-claim) are
    distinct properties, not two members of an unordered set of targets."""
    [collection] = expanded(published)
    items = collection["http://www.w3.org/ns/activitystreams#first"][0]["http://www.w3.org/ns/activitystreams#items"][
        0
    ]["@list"]
    links = {(link["from_claim"], link["to_claim"]) for link in rows(published, "claim_links")}
    read = set()
    for item in items:
        if item[OA + "motivatedBy"] != [{"@id": OA + "linking"}]:
            continue
        [target] = item[OA + "hasTarget"]
        [to_quote] = [body for body in item[OA + "hasBody"] if body.get(OA + "hasPurpose") == [{"@id": OA + "linking"}]]
        read.add((claim_of(target["@id"]), claim_of(to_quote["@id"])))
    assert read == links


# BRAT standoff


ATTRIBUTE_LINE = re.compile(r"^A\d+\t(?P<name>\S+) (?P<entity>[TR]\d+) (?P<value>\S+)$")
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
    by_key = {(li["from_claim"], li["relation"], li["to_claim"]): li["basis"] for li in rows(published, "claim_links")}
    links = set(by_key)
    read = {(by_id[r.arg1.id]["claim_id"], r.type, by_id[r.arg2.id]["claim_id"]) for r in example.relations}
    assert read == links
    basis = {
        r.id: by_key[(by_id[r.arg1.id]["claim_id"], r.type, by_id[r.arg2.id]["claim_id"])] for r in example.relations
    }
    # Attributes and notes, which that parser skips, by the standoff format's own line grammar.
    attributes, notes = Counter(), 0
    for line in (published / "brat" / "irda.ann").read_text(encoding="utf-8").splitlines():
        if line.startswith("A"):
            match = ATTRIBUTE_LINE.match(line)
            assert match, line
            if match["name"] == "Basis":
                assert match["value"] == basis[match["entity"]]
            else:
                claim = by_id[match["entity"]]
                assert match["value"] == claim["certainty" if match["name"] == "Certainty" else "topic_id"]
            attributes[match["name"]] += 1
        elif line.startswith("#"):
            match = NOTE_LINE.match(line)
            assert match, line
            assert match["note"].startswith(by_id[match["entity"]]["claim_id"] + ": ")
            notes += 1
    assert attributes == {"Certainty": len(claims), "Topic": len(claims), "Basis": len(links)}
    assert notes == len(claims)


def test_brat_cuts_a_span_at_line_breaks():
    text = "first line\nsecond\n\nthird"
    assert fragments(text, 6, 17) == [(6, 10), (11, 17)]
    assert fragments(text, 0, len(text)) == [(0, 10), (11, 17), (19, 24)]


def brat_overlap(first: list[tuple[int, int]], second: list[tuple[int, int]]) -> str | None:
    """How two text-bound annotations overlap, by the rule of brat's verifier
    (server/src/verify_annotations.py, verify_entity_overlap): None, equal, contain or cross."""
    (start1, end1), (start2, end2) = (first[0][0], first[-1][1]), (second[0][0], second[-1][1])
    if not (start2 < end1 and end2 > start1):
        return None
    if (start1, end1) == (start2, end2):
        return "equal"
    if (start1 <= start2 and end2 <= end1) or (start2 <= start1 and end1 <= end2):
        return "contain"
    return "cross"


def test_brat_accepts_every_span_under_the_configuration(published):
    """Every pair of claims overlaps only in a way annotation.conf's <OVERLAP> declares, so brat's
    verifier reports no span error (it reports 138 on release 2.0.0, which declares none)."""
    conf = (published / "brat" / "annotation.conf").read_text(encoding="utf-8")
    [declaration] = [line for line in conf.splitlines() if line.startswith("<OVERLAP>")]
    assert declaration == "<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:" + "|".join(OVERLAPS)
    allowed = set(declaration.rsplit(":", 1)[1].split("|"))
    spans = []
    for line in (published / "brat" / "irda.ann").read_text(encoding="utf-8").splitlines():
        if line.startswith("T"):
            pieces = line.split("\t")[1].split(" ", 1)[1]
            spans.append([tuple(map(int, piece.split())) for piece in pieces.split(";")])
    found = Counter(brat_overlap(a, b) for i, a in enumerate(spans) for b in spans[i + 1 :])
    found.pop(None, None)
    assert found and set(found) <= allowed, found
    # Claims do nest and cross: without the declaration brat would refuse them.
    assert {"contain", "cross"} <= set(found)


def test_the_brat_overlap_rule_can_fail():
    assert brat_overlap([(0, 10)], [(5, 15)]) == "cross"
    assert brat_overlap([(0, 10)], [(2, 4)]) == "contain"
    assert brat_overlap([(0, 10)], [(0, 10)]) == "equal" not in OVERLAPS
    assert brat_overlap([(0, 10)], [(10, 12)]) is None


def test_brat_configuration_declares_every_type_used(published):
    conf = (published / "brat" / "annotation.conf").read_text(encoding="utf-8")
    used = {line.split("\t")[1].split()[0] for line in (published / "brat" / "irda.ann").read_text().splitlines()}
    declared = {line.split("\t")[0] for line in conf.splitlines() if line and not line.startswith("[")}
    assert used - {"AnnotatorNotes"} <= declared
    assert "Basis\tArg:<RELATION>, Value:explicit|implicit|inferred" in conf.splitlines()


# Argument Interchange Format


def test_aif_graph_is_valid_for_the_xaif_package(published):
    from xaif import AIF

    graph = json.loads((published / AIF_FILE).read_text(encoding="utf-8"))
    aif = AIF(graph)
    assert aif.is_valid_json_aif()
    nodes = graph["AIF"]["nodes"]
    claims, links = rows(published, "claims"), rows(published, "claim_links")
    assert sum(node["type"] == "I" for node in nodes) == len(claims)
    # The author's argument: the links the text supports, each with its basis; not the curators' readings.
    authors = [link for link in links if link["basis"] != CURATORS_BASIS]
    assert 0 < len(authors) < len(links)
    expected = Counter((aif_scheme(LinkRelation(li["relation"])), li["relation"], li["basis"]) for li in authors)
    schemes = [node for node in nodes if node["type"] in {"RA", "CA", "MA"}]
    assert Counter((node["type"], node["relation"], node["basis"]) for node in schemes) == expected
    ids = {node["nodeID"] for node in nodes}
    assert all(edge["fromID"] in ids and edge["toID"] in ids for edge in graph["AIF"]["edges"])


def test_aif_has_the_shape_of_the_xaif_template(published):
    """The top level of the xaif package's own template (xaif_templates.XAIF.format), and its text:
    one highlighted span per L-node, the node's id, holding the quote."""
    import html

    from xaif.xaif_templates import XAIF

    graph = json.loads((published / AIF_FILE).read_text(encoding="utf-8"))
    template = json.loads(XAIF.format([], [], [], [], [], [], {}, "", False, {}, {}))
    assert list(graph) == list(template) and list(graph["AIF"]) == list(template["AIF"])
    assert type(graph["ova"]) is type(template["ova"]) and graph["dialog"] is False and list(graph["text"]) == ["txt"]
    spans = re.findall(r'<span class="highlighted" id="([^"]+)">(.*?)</span>', graph["text"]["txt"], re.DOTALL)
    locutions = {node["nodeID"]: node for node in graph["AIF"]["nodes"] if node["type"] == "L"}
    assert [node_id for node_id, _ in spans] == list(locutions)
    text = text_of(published)
    for node_id, quote in spans:
        node = locutions[node_id]
        assert html.unescape(quote) == text[node["start"] : node["end"]]


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
