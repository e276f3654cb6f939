"""The official JSON Schemas of the formats a release uses, taken from the packages on PyPI that
ship them (so no copy of them lives in this repository):

- the Data Package profiles (data-package.json, tabular-data-resource.json) from `datapackage`,
  the Frictionless Data reference implementation of the v1 specification;
- the Citation File Format 1.2.0 schema from `cffconvert`, the format's own validator.

Each wheel is downloaded once (without installing it or its dependencies) into the virtual
environment, and the schema is read from inside it.
"""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

CACHE = Path(sys.prefix) / "official-schemas"
WHEELS = {
    "datapackage": "1.15.4",
    "cffconvert": "2.0.0",
}


def _wheel(project: str) -> Path:
    version = WHEELS[project]
    found = sorted(CACHE.glob(f"{project}-{version}-*.whl"))
    if not found:
        CACHE.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "-q", "--no-deps", f"{project}=={version}", "-d", str(CACHE)],
            check=True,
            capture_output=True,
        )
        found = sorted(CACHE.glob(f"{project}-{version}-*.whl"))
    return found[0]


def official_schema(project: str, member: str) -> dict:
    with zipfile.ZipFile(_wheel(project)) as wheel:
        return json.loads(wheel.read(member))


def data_package_profile() -> dict:
    return official_schema("datapackage", "datapackage/profiles/data-package.json")


def tabular_resource_profile() -> dict:
    return official_schema("datapackage", "datapackage/profiles/tabular-data-resource.json")


def cff_schema() -> dict:
    return official_schema("cffconvert", "cffconvert/schemas/1.2.0/schema.json")
