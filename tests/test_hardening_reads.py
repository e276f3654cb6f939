"""Every file a command reads goes through the bounded regular-file reader, and every command
that writes uses the atomic, no-follow output: a FIFO, a device, a link out, a huge or mis-encoded
file is one clear error; a link planted in an output is never written through."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from alliance_data.cli import main
from alliance_data.problems import ValidationFailed
from alliance_data.release.cut import release_notes
from conftest import ROOT


def invoke(*args):
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def test_anchor_refuses_a_fifo_without_waiting_for_a_writer(tmp_path):
    fifo = tmp_path / "source.txt"
    os.mkfifo(fifo)
    outcome = []
    worker = threading.Thread(target=lambda: outcome.append(invoke("anchor", fifo, "hello")), daemon=True)
    worker.start()
    worker.join(timeout=20)
    if worker.is_alive():  # release the reader so the test run itself does not hang
        with open(fifo, "wb"):
            pass
        pytest.fail("anchor waited on a FIFO")
    assert outcome[0].exit_code == 1 and "FIFO" in outcome[0].output


def test_anchor_refuses_a_device():
    # In a child with its memory capped: a reader that does not refuse /dev/zero fails here
    # instead of taking the machine's memory.
    import resource
    import subprocess
    import sys

    def capped():
        resource.setrlimit(resource.RLIMIT_AS, (2 * 1024**3, 2 * 1024**3))

    code = "from alliance_data.cli import main; main()"
    result = subprocess.run(
        [sys.executable, "-c", code, "anchor", "/dev/zero", "hello"],
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=capped,
    )
    assert result.returncode == 1 and "not a regular file" in result.stderr, result.stderr[-500:]
    assert "Traceback" not in result.stderr


def test_anchor_names_a_utf16_file_instead_of_a_traceback(tmp_path):
    text = tmp_path / "utf16.txt"
    text.write_bytes("Economic and Trade Relations".encode("utf-16"))
    result = invoke("anchor", text, "Trade")
    assert result.exit_code == 1 and "not UTF-8" in result.output and "UTF-16" in result.output


def test_anchor_still_anchors(tmp_path):
    text = tmp_path / "plain.txt"
    text.write_text("one two one two", encoding="utf-8")
    result = invoke("anchor", text, "two", "--occurrence", "2")
    assert result.exit_code == 0 and "char_start: 12" in result.output


@pytest.fixture
def releases(tmp_path: Path) -> Path:
    (tmp_path / "releases" / "notes").mkdir(parents=True)
    return tmp_path / "releases"


def test_release_notes_never_follow_a_link_out_of_the_notes_folder(releases, tmp_path):
    secret = tmp_path / "id_ed25519"
    secret.write_text("-----BEGIN OPENSSH PRIVATE KEY-----\n", encoding="utf-8")
    (releases / "notes" / "v9.0.0.md").symlink_to(secret)
    with pytest.raises(ValidationFailed, match="symbolic link"):
        release_notes("9.0.0", releases, "")


def test_release_notes_that_are_a_fifo_are_an_error_not_silence(releases):
    os.mkfifo(releases / "notes" / "v9.0.0.md")
    with pytest.raises(ValidationFailed, match="FIFO"):
        release_notes("9.0.0", releases, "")


def test_release_notes_over_the_limit_are_refused(releases):
    (releases / "notes" / "v9.0.0.md").write_bytes(b"\0" * (2 * 1024 * 1024))
    with pytest.raises(ValidationFailed, match="over the limit"):
        release_notes("9.0.0", releases, "")


def test_release_notes_as_written_are_kept(releases):
    (releases / "notes" / "v9.0.0.md").write_text("What changed and why.\n", encoding="utf-8")
    assert "What changed and why.\n\nCHANGES" in release_notes("9.0.0", releases, "CHANGES")
    assert "What changed" not in release_notes("9.1.0", releases, "CHANGES")


def test_figures_never_write_through_a_link_planted_in_the_output(tmp_path):
    out, victim = tmp_path / "figures", tmp_path / "victim.txt"
    out.mkdir()
    victim.write_text("keep me\n", encoding="utf-8")
    (out / "claims-by-section.svg").symlink_to(victim)
    result = invoke("figures", "--out", out)
    assert result.exit_code == 0, result.output
    assert victim.read_text(encoding="utf-8") == "keep me\n"
    assert not (out / "claims-by-section.svg").is_symlink() and (out / "claims-by-section.svg").is_file()


@pytest.mark.parametrize("out", ["/dev/null", "/proc/self"])
def test_figures_refuse_a_device_or_a_link_as_output(out):
    result = invoke("figures", "--out", out)
    assert result.exit_code == 2 and "refusing to write" in result.output


def test_figures_refuse_a_directory_of_other_files(tmp_path):
    (tmp_path / "notes.txt").write_text("mine\n", encoding="utf-8")
    result = invoke("figures", "--out", tmp_path)
    assert result.exit_code == 2 and "not figures" in result.output
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "mine\n"


def test_reliability_never_writes_through_a_link(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "docs").mkdir()
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me\n", encoding="utf-8")
    (tmp_path / "docs" / "reliability.md").symlink_to(victim)
    result = invoke("reliability", ROOT / "data")
    assert result.exit_code == 2 and "symbolic link" in result.output
    assert victim.read_text(encoding="utf-8") == "keep me\n"
    (tmp_path / "docs" / "reliability.md").unlink()
    assert invoke("reliability", ROOT / "data").exit_code == 0
    assert (tmp_path / "docs" / "reliability.md").is_file()
    assert sorted(p.name for p in (tmp_path / "docs").iterdir()) == ["reliability.md"]
