"""Write CITATION.cff and .zenodo.json at the repository root from src/alliance_data/about.py.

Run after changing the version, date or description: `python tools/citation_files.py`.
tests/test_citation.py fails while the files are stale.
"""

from pathlib import Path

from alliance_data.release.citation import CITATION_FILES

ROOT = Path(__file__).resolve().parent.parent

if __name__ == "__main__":
    for name, render in CITATION_FILES.items():
        (ROOT / name).write_text(render(), encoding="utf-8")
        print(f"wrote {name}")
