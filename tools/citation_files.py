"""Write the citation files at the repository root (CITATION.cff, .zenodo.json, LICENSE-DATA.md)
and the schema.org Dataset JSON-LD in docs/index.md, all from src/alliance_data/about.py.

Run after changing the version, date or description: `python tools/citation_files.py`.
tests/test_release_formats.py fails while any of them is stale.
"""

from pathlib import Path

from alliance_data.release.citation import CITATION_FILES
from alliance_data.release.croissant import with_dataset_jsonld

ROOT = Path(__file__).resolve().parent.parent
INDEX = ROOT / "docs" / "index.md"

if __name__ == "__main__":
    for name, render in CITATION_FILES.items():
        (ROOT / name).write_text(render(), encoding="utf-8")
        print(f"wrote {name}")
    INDEX.write_text(with_dataset_jsonld(INDEX.read_text(encoding="utf-8")), encoding="utf-8")
    print(f"wrote the Dataset JSON-LD in {INDEX.relative_to(ROOT)}")
