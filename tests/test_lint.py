"""The code is lint-clean and formatted with ruff, as the next engineer expects."""

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def ruff(*args: str) -> subprocess.CompletedProcess:
    command = shutil.which("ruff") or str(Path(sys.executable).with_name("ruff"))
    return subprocess.run([command, *args], cwd=ROOT, capture_output=True, text=True)


def test_ruff_check_is_clean():
    result = ruff("check", "src", "tests", "tools")
    assert result.returncode == 0, result.stdout


def test_ruff_format_is_clean():
    result = ruff("format", "--check", "src", "tests", "tools")
    assert result.returncode == 0, result.stdout
