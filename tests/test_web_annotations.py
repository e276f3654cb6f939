"""The release's W3C Web Annotations against what the model requires of annotations, pages and
collections (its MUSTs, https://www.w3.org/TR/annotation-model/), and opened by the JavaScript
libraries annotation tools are built on: the Recogito text annotator loads every annotation and
Apache Annotator anchors every quote (in node, installed by `bash scripts/test` with npm)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
import rfc3986
from rfc3986.exceptions import ValidationError
from rfc3986.validators import Validator

from alliance_data.exports.annotations import ANNOTATIONS_FILE, CONTEXT, source_path
from conftest import ROOT

pytestmark = pytest.mark.slow  # Reads the annotations of a full release.

NODE_SCRIPT = Path(__file__).parent / "node" / "web_annotations.mjs"
NODE_MODULES = ROOT / ".cache" / "web-annotation"
# The model's motivations, which are also the values a body's purpose may take (section 3.3.5).
MOTIVATIONS = {
    "assessing", "bookmarking", "classifying", "commenting", "describing", "editing", "highlighting",
    "identifying", "linking", "moderating", "questioning", "replying", "tagging",
}  # fmt: skip


ABSOLUTE = Validator().require_presence_of("scheme").check_validity_of("scheme", "path", "query", "fragment")


def is_absolute_iri(value) -> bool:
    if not isinstance(value, str) or any(character.isspace() for character in value):
        return False
    try:
        ABSOLUTE.validate(rfc3986.uri_reference(value))
    except ValidationError:
        return False
    return True


def resource_problems(resource, where: str) -> list[str]:
    """What the model's MUSTs find wrong with a body or target (3.2, 4)."""
    if isinstance(resource, str):
        return [] if is_absolute_iri(resource) else [f"{where}: {resource!r} is not an absolute IRI"]
    problems = []
    if resource.get("type") == "TextualBody":
        if not isinstance(resource.get("value"), str):
            problems.append(f"{where}: a TextualBody without a value")
    elif resource.get("type") == "SpecificResource":
        if not is_absolute_iri(resource.get("source")):
            problems.append(f"{where}: a SpecificResource whose source is not an absolute IRI")
        for selector in resource.get("selector", []):
            if selector.get("type") == "TextQuoteSelector" and not isinstance(selector.get("exact"), str):
                problems.append(f"{where}: a TextQuoteSelector without exact")
            if selector.get("type") == "TextPositionSelector":
                start, end = selector.get("start"), selector.get("end")
                if not (isinstance(start, int) and isinstance(end, int) and 0 <= start <= end):
                    problems.append(f"{where}: a TextPositionSelector without 0 <= start <= end")
    elif not is_absolute_iri(resource.get("id")):
        problems.append(f"{where}: a resource without an absolute IRI")
    if "id" in resource and not is_absolute_iri(resource["id"]):
        problems.append(f"{where}: id {resource['id']!r} is not an absolute IRI")
    if "purpose" in resource and resource["purpose"] not in MOTIVATIONS:
        problems.append(f"{where}: purpose {resource['purpose']!r} is not one of the model's")
    return problems


def web_annotation_problems(document: dict) -> list[str]:
    """The model's MUSTs on an AnnotationCollection with its pages embedded, and on every annotation."""
    problems = []
    if document.get("@context") != CONTEXT:
        problems.append(f"the collection's @context is not {CONTEXT}")
    if not is_absolute_iri(document.get("id")) or document.get("type") != "AnnotationCollection":
        problems.append("the collection needs an absolute IRI id and type AnnotationCollection")
    page = document.get("first")
    if not isinstance(page, dict) or not is_absolute_iri(page.get("id")) or page.get("type") != "AnnotationPage":
        return [*problems, "the first page needs an absolute IRI id and type AnnotationPage"]
    if document.get("last") != page["id"]:
        problems.append("the collection's last page is not its one page")
    part_of = page.get("partOf")
    if (part_of.get("id") if isinstance(part_of, dict) else part_of) != document["id"]:
        problems.append("the page is not partOf the collection")
    items = page.get("items")
    if not isinstance(items, list) or not items:
        return [*problems, "the page has no items"]
    if document.get("total") != len(items) or page.get("startIndex") != 0:
        problems.append("the collection's total or the page's startIndex does not count the items")
    ids = [item.get("id") for item in items]
    if len(set(ids)) != len(ids):
        problems.append("two annotations share an id")
    for item in items:
        where = item.get("id", "an annotation")
        if not is_absolute_iri(item.get("id")) or item.get("type") != "Annotation":
            problems.append(f"{where}: needs an absolute IRI id and type Annotation")
        if "target" not in item or ("body" in item and "bodyValue" in item):
            problems.append(f"{where}: needs a target, and not both body and bodyValue")
        if item.get("motivation") not in MOTIVATIONS:
            problems.append(f"{where}: motivation {item.get('motivation')!r} is not one of the model's")
        for key in ("body", "target"):
            for resource in item.get(key) if isinstance(item.get(key), list) else [item.get(key)]:
                if resource is not None:
                    problems += resource_problems(resource, f"{where} {key}")
    return problems


def document_of(published: Path) -> dict:
    return json.loads((published / ANNOTATIONS_FILE).read_text(encoding="utf-8"))


def test_annotations_meet_the_models_musts(published):
    document = document_of(published)
    assert web_annotation_problems(document) == []
    page = document["first"]
    assert len(page["items"]) == document["total"] > 0


def test_the_musts_check_can_fail(published):
    """Release 2.0.0's faults: a relative target source, a page without id, a link's targets as a set."""
    document = document_of(published)
    page = document["first"]
    claim, link = page["items"][0], next(item for item in page["items"] if item["motivation"] == "linking")
    claim["target"]["source"] = "brat/irda.txt"
    link["target"] = ["claim/a", "claim/b"]
    del page["id"]
    assert web_annotation_problems(document) == ["the first page needs an absolute IRI id and type AnnotationPage"]
    page["id"] = document["last"]
    found = web_annotation_problems(document)
    assert any("source is not an absolute IRI" in problem for problem in found)
    assert any("'claim/a' is not an absolute IRI" in problem for problem in found)


def test_annotations_point_at_the_canonical_text(published):
    """Every quote's source is the IRI of sources/<id>.txt, the copy a release ships as the text."""
    from alliance_data import about

    sources = {item["target"]["source"] for item in document_of(published)["first"]["items"]}
    assert sources == {about.resource_iri(source_path("irda"))}
    assert (published / source_path("irda")).is_file()


def run_in_node(published: Path) -> dict:
    node = shutil.which("node")
    if node is None or not (NODE_MODULES / "node_modules" / "@recogito" / "text-annotator").is_dir():
        pytest.fail(
            f"node or the annotation libraries are missing (looked in {NODE_MODULES}): bash scripts/test "
            "installs them with npm (the Recogito text annotator, Apache Annotator, jsdom)"
        )
    completed = subprocess.run(
        [node, "--input-type=module", "-", str(published / ANNOTATIONS_FILE), str(published / source_path("irda"))],
        input=NODE_SCRIPT.read_text(encoding="utf-8"),
        cwd=NODE_MODULES,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert completed.returncode == 0, completed.stderr
    # The libraries log to stdout too; the script's answer is its last line.
    return json.loads(completed.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def in_node(published) -> dict:
    return run_in_node(published)


def test_recogito_text_annotator_loads_every_annotation(in_node):
    assert "recogito_error" not in in_node, in_node.get("recogito_error")
    assert in_node["recogito_parse_errors"] == [] and in_node["recogito_discarded"] == []
    assert in_node["recogito_loaded"] == in_node["items"]
    assert in_node["recogito_changed"] == []


def test_apache_annotator_anchors_every_quote(in_node, published):
    claims = [item for item in document_of(published)["first"]["items"] if item["motivation"] == "describing"]
    assert in_node["apache_quotes"] == len(claims) > 0
    assert in_node["apache_anchored"] == len(claims), in_node["apache_unanchored"]


def test_with_a_public_address_every_iri_is_under_it(published, monkeypatch):
    """Once `python -m tools.identity` sets the address, the next release's IRIs resolve under it."""
    import pyarrow.parquet as pq

    from alliance_data import about
    from alliance_data.exports.annotations import collection

    monkeypatch.setattr(about, "PUBLIC_BASE_URL", "https://example.org/alliance-data")
    tables = {name: pq.read_table(published / f"{name}.parquet") for name in ("claims", "claim_actors", "claim_links")}
    document = collection(tables)
    assert web_annotation_problems(document) == []
    prefix = f"https://example.org/alliance-data/v{about.__version__}/"
    assert document["id"] == prefix + ANNOTATIONS_FILE
    for item in document["first"]["items"]:
        assert item["id"].startswith(prefix + ANNOTATIONS_FILE + "#")
        assert item["target"]["source"] == prefix + source_path("irda")
