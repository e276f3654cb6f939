"""Careless and hostile files: each gets a clear problem (file, line, record, field), never a
traceback, a hang, unbounded memory or output, and nothing written outside its own record."""

from __future__ import annotations

import errno
import os
import shutil
import signal
import tracemalloc
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner

from alliance_data.cli import main
from alliance_data.curation import authoring
from alliance_data.curation.validate import validate
from alliance_data.filesystem import bounded_read as files
from alliance_data.problems import MAX_PROBLEMS, ProblemList, ValidationFailed
from conftest import replace_in

# What a copy leaves unchanged is read and column-checked once in the session; an odd file (not a
# plain regular file of the copy) is always read for real, and so is everything in a test marked
# reads_for_real.
pytestmark = pytest.mark.usefixtures("unchanged_parts_checked_once")

S4 = "claims/irda-s4.yaml"
# The first actor entry of the first claim of irda-s4.yaml, as written.
FIRST_ACTOR = "  actors:\n  - actor_id: "


@contextmanager
def no_hang(seconds: int = 120):
    """Fail instead of hanging: a generous bound, not a speed test."""

    def expire(signum, frame):
        raise TimeoutError(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def problems_of(data_dir: Path, **options) -> list:
    with no_hang(), pytest.raises(ValidationFailed) as error:
        validate(data_dir, **options)
    return error.value.problems


def only(problems: list, **expected):
    matching = [p for p in problems if all(getattr(p, k) == v for k, v in expected.items())]
    assert matching, f"no problem with {expected} in {[str(p) for p in problems]}"
    return matching[0]


def line_of(path: Path, text: str, after: int = 0) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").split("\n"), 1):
        if number > after and text in line:
            return number
    raise AssertionError(f"{text!r} not in {path}")


def insert_after_first(path: Path, marker: str, addition: str) -> None:
    """Insert `addition` after the first line that starts with `marker`."""
    text = path.read_text(encoding="utf-8")
    start = text.index(marker)
    end = text.index("\n", start) + 1
    path.write_text(text[:end] + addition + text[end:], encoding="utf-8")


# --- 2. Records cannot write outside themselves -------------------------------------------


def test_an_actor_entry_cannot_write_into_another_claim(data_copy):
    path = data_copy / S4
    entry = "  - claim_id: irda-s5-001\n    actor_id: USA\n    role: counterpart\n"
    replace_in(path, FIRST_ACTOR, "  actors:\n" + entry + FIRST_ACTOR[len("  actors:\n") :])
    with no_hang(), pytest.raises(ValidationFailed) as error:
        validate(data_copy)
    problem = only(error.value.problems, field="actors[0].claim_id", record_id="irda-s4-001")
    assert problem.file == str(Path("data") / S4) and problem.line == line_of(path, "claim_id: irda-s5-001")
    assert "from the claim it is written in" in problem.message and "remove the 'claim_id:' line" in problem.fix


def test_an_actor_entry_with_a_field_twice_is_refused(data_copy):
    path = data_copy / S4
    insert_after_first(path, "    role: ", "    role: partner\n")
    problem = only(problems_of(data_copy), field="actors[0].role", record_id="irda-s4-001")
    first = line_of(path, "    role: ")
    assert problem.line == first + 1 and f"appears twice (first at line {first})" in problem.message


def test_a_duplicate_key_deep_in_a_value_is_refused(data_copy):
    path = data_copy / "topics.yaml"
    replace_in(path, "  kind: history\n", "  kind: history\n  extra:\n    x:\n      y: 1\n      y: 2\n")
    problem = only(problems_of(data_copy), field="extra.x.y", record_id="history-long-roots")
    assert problem.line == line_of(path, "      y: 2") and "appears twice" in problem.message


@pytest.mark.parametrize("where", ["record", "actor entry"])
def test_a_merge_key_is_refused(data_copy, where):
    path = data_copy / S4
    if where == "record":
        replace_in(path, "  certainty: asserted\n", "  <<: {certainty: speculative}\n  certainty: asserted\n")
        field = None
    else:
        insert_after_first(path, "    role: ", "    <<: {role: partner}\n")
        field = "actors[0]"
    problem = only(problems_of(data_copy), record_id="irda-s4-001", field=field)
    assert "merge keys (<<:) are not allowed" in problem.message and problem.line == line_of(path, "<<:")


def test_a_quoted_double_angle_key_is_an_unknown_field_not_a_merge(data_copy):
    replace_in(data_copy / S4, "  certainty: asserted\n", "  '<<': x\n  certainty: asserted\n")
    problem = only(problems_of(data_copy), record_id="irda-s4-001", field="<<")
    assert "Extra inputs" in problem.message


@pytest.mark.parametrize(
    ("addition", "field"),
    [("    rol: subject\n", "actors[0].rol"), ("    dyad: IRN-RUS\n", "actors[0].dyad")],
    ids=["misspelt", "derived-table-column"],
)
def test_unknown_fields_of_an_actor_entry_have_their_own_line(data_copy, addition, field):
    path = data_copy / S4
    insert_after_first(path, "    role: ", addition)
    problem = only(problems_of(data_copy), field=field, record_id="irda-s4-001")
    assert problem.line == line_of(path, addition.strip()) and "Extra inputs" in problem.message


def test_anchors_and_aliases_in_an_actor_entry_are_refused_where_they_are(data_copy):
    path = data_copy / S4
    text = path.read_text(encoding="utf-8")
    role = text[text.index("    role: ") :].split("\n", 1)[0]
    path.write_text(text.replace(role, "    role: &r subject\n  - actor_id: USA\n    role: *r", 1), encoding="utf-8")
    problems = problems_of(data_copy)
    assert only(problems, field="actors[0].role").line == line_of(path, "&r")
    assert only(problems, field="actors[1].role").line == line_of(path, "*r")


@pytest.mark.parametrize("key", ["? [a, b]\n  : 1", "? {a: 1}\n  : 1"], ids=["list", "mapping"])
def test_a_list_or_mapping_as_a_key_is_a_clear_error(data_copy, key):
    path = data_copy / S4
    replace_in(path, "  certainty: asserted\n", f"  {key}\n  certainty: asserted\n")
    problem = only(problems_of(data_copy), record_id="irda-s4-001")
    assert "list or mapping is used as a field name" in problem.message and problem.line == line_of(path, "  ? ")


def test_a_list_as_a_key_in_an_actor_entry(data_copy):
    insert_after_first(data_copy / S4, "    role: ", "    [x]: 1\n")
    problem = only(problems_of(data_copy), record_id="irda-s4-001", field="actors[0]")
    assert "list or mapping" in problem.message


# --- 3. Every file problem is a clear error --------------------------------------------------


@pytest.mark.parametrize("name", ["claims/x.yaml", "topics.yaml", "sources/irda.txt"])
def test_a_directory_in_place_of_a_file(data_copy, name):
    path = data_copy / name
    if path.exists():
        path.unlink()
    path.mkdir()
    problem = only(problems_of(data_copy), file=str(Path("data") / name))
    assert problem.message == "is a directory, not a regular file"


@pytest.mark.parametrize("name", ["claims/x.yaml", "topics.yaml", "sources/irda.txt"])
def test_a_fifo_is_refused_without_hanging(data_copy, name):
    path = data_copy / name
    if path.exists():
        path.unlink()
    os.mkfifo(path)
    problem = only(problems_of(data_copy), file=str(Path("data") / name))
    assert problem.message == "is a FIFO (named pipe), not a regular file"


@pytest.mark.parametrize("name", ["claims/x.yaml", "sources/irda.txt"])
def test_a_symlink_to_dev_zero_is_refused(data_copy, name):
    path = data_copy / name
    if path.exists():
        path.unlink()
    path.symlink_to("/dev/zero")
    problem = only(problems_of(data_copy), file=str(Path("data") / name))
    assert "symbolic link to /dev/zero, outside the data directory" in problem.message


def test_a_device_is_refused_before_reading(tmp_path):
    problems = ProblemList()
    with no_hang():
        assert files.read_inside(Path("/dev/zero"), None, 1000, problems, "zero", "an authored file") is None
    assert problems.problems[0].message == "is a character device, not a regular file"


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux's /proc")
def test_reads_are_bounded_by_the_bytes_read_not_the_reported_size():
    # /proc files report a size of 0 and hold more: only the bytes actually read count.
    assert os.stat("/proc/self/status").st_size == 0
    problems = ProblemList()
    assert files.read_inside(Path("/proc/self/status"), None, 100, problems, "status", "an authored file") is None
    assert "over the limit of 100 bytes" in problems.problems[0].message


@pytest.mark.parametrize("name", [S4, "sources/irda.txt", "claims"])
def test_a_symlink_leading_outside_the_data_directory_is_refused(data_copy, tmp_path, name):
    path = data_copy / name
    outside = tmp_path / "outside" / path.name
    outside.parent.mkdir()
    path.rename(outside)
    path.symlink_to(outside)
    problem = only(problems_of(data_copy), file=str(Path("data") / name))
    assert f"symbolic link to {outside.resolve()}, outside the data directory" in problem.message
    assert "copy the file into the data directory" in problem.fix


def test_a_symlink_inside_the_data_directory_is_followed(data_copy):
    path = data_copy / S4
    path.rename(data_copy / "s4-kept-elsewhere.txt")
    path.symlink_to(Path("..") / "s4-kept-elsewhere.txt")
    assert validate(data_copy).table("claims").num_rows


def test_a_dangling_symlink(data_copy):
    (data_copy / "claims" / "x.yaml").symlink_to(data_copy / "nowhere.yaml")
    problem = only(problems_of(data_copy), file=str(Path("data/claims/x.yaml")))
    assert "which does not exist" in problem.message


def _deny(monkeypatch, target: Path, function: str) -> None:
    """As root, permissions do not stop a read: the denial the system would give, given."""
    real = getattr(os, function)

    def denied(path, *args, **kwargs):
        if Path(path) == target:
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real(path, *args, **kwargs)

    monkeypatch.setattr(files.os, function, denied)


@pytest.mark.reads_for_real  # as root, the denial is a patch of os the replay would not see
@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (S4, "permission denied: the file cannot be read"),
        ("sources/irda.txt", "permission denied: the file cannot be read"),
        ("claims", "permission denied: the folder cannot be listed"),
    ],
)
def test_an_unreadable_file_or_folder(data_copy, monkeypatch, name, expected):
    path = data_copy / name
    if os.geteuid() == 0:
        _deny(monkeypatch, path, "listdir" if path.is_dir() else "open")
    else:
        path.chmod(0)
    try:
        problem = only(problems_of(data_copy), file=str(Path("data") / name))
    finally:
        path.chmod(0o755 if path.is_dir() else 0o644)
    assert problem.message == expected and "chmod u+r" in problem.fix


NOBODY = 65534


@pytest.mark.skipif(
    os.geteuid() != 0 or not shutil.which("setpriv"), reason="needs root to run the command as another user"
)
def test_unreadable_files_for_a_real_user(tmp_path):
    """The same as above without emulation: `validate` run as the user nobody."""
    import subprocess
    import sys
    import tempfile

    from conftest import DATA, ROOT

    with tempfile.TemporaryDirectory(dir="/tmp") as directory:  # a place the user can reach
        data = Path(directory) / "data"
        shutil.copytree(DATA, data)
        for path in (Path(directory), *data.rglob("*"), data):
            path.chmod(0o755 if path.is_dir() else 0o644)
        (data / S4).chmod(0)
        (data / "sources" / "irda.txt").chmod(0)
        command = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"]
        command += [sys.executable, "-m", "alliance_data.cli", "validate", str(data)]
        env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "PYTHONWARNINGS": "ignore"}
        result = subprocess.run(command, capture_output=True, text=True, timeout=300, env=env, cwd=directory)
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr[-2000:]
    assert "data/claims/irda-s4.yaml: permission denied: the file cannot be read" in result.stderr
    assert "data/sources/irda.txt: record irda: permission denied: the file cannot be read" in result.stderr


def test_a_folder_of_records_that_is_a_file(data_copy):
    shutil.rmtree(data_copy / "claims")
    (data_copy / "claims").write_text("x", encoding="utf-8")
    problem = only(problems_of(data_copy), file=str(Path("data/claims")))
    assert problem.message == "is not a folder"


def test_an_unreadable_file_stops_before_the_table_checks(data_copy):
    # Without the file's claims, every link to them would be reported as a problem of its own.
    (data_copy / S4).unlink()
    (data_copy / S4).mkdir()
    assert [p.file for p in problems_of(data_copy)] == [str(Path("data") / S4)]


@pytest.mark.parametrize(
    "number",
    ["9223372036854775808", "9" * 5000, "-9223372036854775809"],
    ids=["2**63", "5000-digits", "below-int64"],
)
def test_numbers_out_of_range_are_field_errors(data_copy, number):
    path = data_copy / S4
    replace_in(path, "  char_start: 9309\n", f"  char_start: {number}\n")
    problem = only(problems_of(data_copy), field="char_start", record_id="irda-s4-001")
    assert "is out of range" in problem.message and problem.line == line_of(path, "  char_start: ")
    assert len(problem.message) < 200


def test_the_largest_64_bit_number_is_an_ordinary_offset_error(data_copy):
    replace_in(data_copy / S4, "  char_start: 9309\n", "  char_start: 9223372036854775807\n")
    assert only(problems_of(data_copy), record_id="irda-s4-001", field="quote")


@pytest.mark.parametrize("depth", [50, 900], ids=["beyond-ours", "near-the-parser-limit"])
def test_deeply_nested_values_are_refused_without_recursing(data_copy, depth):
    path = data_copy / "topics.yaml"
    replace_in(path, "  kind: history\n", "  kind: history\n  extra: " + "{a: " * depth + "1" + "}" * depth + "\n")
    problems = [p for p in problems_of(data_copy) if "levels deep" in p.message]
    assert problems and problems[0].record_id == "history-long-roots" and problems[0].line == 7
    assert f"more than {authoring.MAX_DEPTH} levels deep" in problems[0].message


def test_an_impossible_date_is_a_field_error(data_copy):
    replace_in(data_copy / "sources.yaml", "  published: null\n", "  published: 2024-13-45\n")
    problem = only(problems_of(data_copy), field="published", record_id="irda")
    assert "'2024-13-45' is not a valid" in problem.message


def test_a_second_yaml_document_is_refused(data_copy):
    path = data_copy / "topics.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "---\n- {}\n", encoding="utf-8")
    problem = only(problems_of(data_copy), file=str(Path("data/topics.yaml")))
    assert "more than one YAML document" in problem.message


def test_a_raw_nul_is_reported_with_its_line(data_copy):
    path = data_copy / S4
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[40] += "\x00"
    path.write_text("\n".join(lines), encoding="utf-8")
    problem = only(problems_of(data_copy), file=str(Path("data") / S4))
    assert problem.line == 41 and "U+0000" in problem.message


@pytest.mark.parametrize("character", ["\x85", "\u2028", "\u2029"], ids=["NEL", "LS", "PS"])
def test_yaml_only_line_breaks_do_not_shift_line_numbers(data_copy, character):
    path = data_copy / S4
    text = path.read_text(encoding="utf-8")
    # At the end of a comment line: YAML sees one more (empty) line there, an editor does not.
    path.write_text(text.replace("\n", f"{character}\n", 1), encoding="utf-8")
    replace_in(path, "  certainty: asserted\n", "  certainty: sure\n")
    problem = only(problems_of(data_copy), field="certainty", record_id="irda-s4-001")
    assert problem.line == line_of(path, "certainty: sure")


def test_a_yaml_only_line_break_in_a_comment_is_explained(data_copy):
    path = data_copy / S4
    path.write_text("# a comment\x85 pasted\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    problem = only(problems_of(data_copy), file=str(Path("data") / S4))
    assert "line 1 holds a U+0085 character, which YAML reads as a line break" in problem.message


def test_line_numbers_with_old_mac_line_endings(data_copy):
    path = data_copy / S4
    text = path.read_text(encoding="utf-8").replace("  certainty: asserted\n", "  certainty: sure\n", 1)
    expected = line_of_text(text, "certainty: sure")
    path.write_bytes(text.replace("\n", "\r").encode("utf-8"))
    problem = only(problems_of(data_copy), field="certainty", record_id="irda-s4-001")
    assert problem.line == expected


def line_of_text(text: str, needle: str) -> int:
    return next(number for number, line in enumerate(text.split("\n"), 1) if needle in line)


def test_a_long_value_is_shown_cut_short(data_copy):
    replace_in(data_copy / S4, "  certainty: asserted\n", f"  certainty: {'x' * 1_000_000}\n")
    problem = only(problems_of(data_copy), field="certainty")
    assert len(problem.message) < 400 and "(1,000,000 long)" in problem.message


# --- Many bad records: bounded output and memory ---------------------------------------------


def test_a_file_of_many_bad_records_reports_the_first_in_full_and_counts_the_rest(data_copy):
    records = 5_000
    (data_copy / "claims" / "bad.yaml").write_bytes(b"- {}\n" * records)
    with no_hang(), pytest.raises(ValidationFailed) as error:
        validate(data_copy)
    failure = error.value
    assert len(failure.problems) == MAX_PROBLEMS
    missing_kind = "field kind: required field is missing"
    assert failure.counts[missing_kind] == records and failure.total > 10 * records
    assert failure.more[missing_kind] == records - sum(p.field == "kind" for p in failure.problems)
    report = failure.report()
    assert len(report.splitlines()) < 3 * MAX_PROBLEMS + 40
    assert f"{failure.total:,} problems found" in report and "validate --all" in report


def test_a_file_of_more_records_than_the_limit_is_refused_after_it(data_copy, monkeypatch):
    monkeypatch.setattr(authoring, "MAX_RECORDS", 300)  # more than any curated file holds
    (data_copy / "claims" / "bad.yaml").write_bytes(b"- {}\n" * 1000)
    problems = problems_of(data_copy, max_problems=None)
    problem = only(problems, file=str(Path("data/claims/bad.yaml")), line=301)
    assert "more than 300 records" in problem.message
    assert max(p.line for p in problems if p.file == problem.file) == 301


def test_problems_kept_stay_bounded_however_many_are_found():
    # Enough problems that keeping one small object (28 bytes or more) for each passes the bound.
    found = 100_000
    problems = ProblemList(limit=10)
    tracemalloc.start()
    for number in range(found):
        problems.add("f.yaml", "required field is missing", "add it", line=found - number, field="kind")
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert problems.total == found and peak < 2 * 2**20
    # The first ten in the order of the report, whatever order they were found in.
    assert [p.line for p in problems.problems] == list(range(1, 11))
    assert problems.counts == {"field kind: required field is missing": found}


def test_the_same_problem_found_twice_is_one():
    problems = ProblemList(limit=5)
    for _ in range(3):
        problems.add("f.yaml", "bad", "fix", line=1)
    assert problems.total == 1 and len(problems.problems) == 1


def test_validate_lists_every_problem_on_request(data_copy):
    (data_copy / "claims" / "bad.yaml").write_bytes(b"- {}\n" * 20)
    runner = CliRunner()
    bounded = runner.invoke(main, ["validate", str(data_copy), "--max-problems", "5"])
    assert bounded.exit_code == 1 and "... and " in bounded.output and "Traceback" not in bounded.output
    assert bounded.output.count("    fix: ") == 5
    every = runner.invoke(main, ["validate", str(data_copy), "--all"])
    assert every.exit_code == 1 and "... and " not in every.output
    assert every.output.count("    fix: ") == int(every.output.split(" ", 1)[0].replace(",", ""))
    as_json = runner.invoke(main, ["validate", str(data_copy), "--json", "--max-problems", "3"])
    import json

    verdict = json.loads(as_json.output)
    assert len(verdict["problems"]) == 3 and verdict["problem_count"] == 3 + sum(verdict["more_by_kind"].values())
