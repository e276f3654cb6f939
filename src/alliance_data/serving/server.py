"""Starting Datasette on the dataset: immutable, with an inspect file, generated metadata,
our plugins (registered here, never for other Datasettes: plugins.py), and the table files
mounted for download.

`datasette_args()` is the one description of the server; `serve()` runs it with Datasette's
own command line, and the tests build the same server in-process from the same pieces.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .compat import datasette_major, split_for
from .edge import edge_settings
from .metadata import FILES_MOUNT, SETTINGS, metadata
from .plugins import register_all

# `datasette inspect` counts every table's rows before the server listens: a crafted release must
# not hang `serve` there (the real database takes well under a second).
INSPECT_TIMEOUT_SECONDS = 60

# Datasette 1.0's configuration (canned queries, table options); empty on 0.65.
CONFIG_FILE = "config.json"


@dataclass(frozen=True)
class ServedDatabase:
    path: Path
    release: str | None

    @property
    def files(self) -> set[str]:
        return {p.name for p in self.path.parent.iterdir() if p.is_file()}


def locate(release: str | None = None, releases_dir: Path = Path("releases")) -> ServedDatabase:
    """The database to serve, verified: a published release's, or the one in the package."""
    if release is None:
        from ..reader.loading import database_path

        return ServedDatabase(Path(database_path()), None)
    from ..release.private_copy import private_copy
    from ..release.trust import verify_release

    # Every file of the served directory is published under /files/. It is a private copy of
    # the release, made from the verified files (each re-hashed as copied): a file appended,
    # replaced or added in the release directory after the check is never served.
    verified = verify_release(release, Path(releases_dir))
    return ServedDatabase(private_copy(verified) / "alliance.db", verified.directory.name[1:])


def write_config(database: ServedDatabase, workdir: Path) -> tuple[Path, Path]:
    """Write metadata.json and inspect.json for `database` into `workdir` (made if missing)."""
    workdir.mkdir(parents=True, exist_ok=True)
    inspect_path = workdir / "inspect.json"
    subprocess.run(
        [sys.executable, "-m", "datasette", "inspect", str(database.path), "--inspect-file", str(inspect_path)],
        check=True,
        capture_output=True,
        timeout=INSPECT_TIMEOUT_SECONDS,
    )
    inspected = json.loads(inspect_path.read_text(encoding="utf-8"))
    counts = {name: info["count"] for db in inspected.values() for name, info in db["tables"].items()}
    metadata_path = workdir / "metadata.json"
    described, config = split_for(metadata(database.release, database.files, counts))
    metadata_path.write_text(json.dumps(described, indent=2), encoding="utf-8")
    (workdir / CONFIG_FILE).write_text(json.dumps(config, indent=2), encoding="utf-8")
    return metadata_path, inspect_path


def datasette_args(database: ServedDatabase, workdir: Path, host: str, port: int) -> list[str]:
    metadata_path, inspect_path = write_config(database, workdir)
    args = [
        "serve",
        "-i",
        str(database.path),
        "--inspect-file",
        str(inspect_path),
        "--metadata",
        str(metadata_path),
        "--static",
        f"{FILES_MOUNT}:{database.path.parent}",
        "--host",
        host,
        "--port",
        str(port),
    ]
    for name, value in SETTINGS.items():
        args += ["--setting", name, str(value).lower() if isinstance(value, bool) else str(value)]
    if datasette_major() >= 1:
        args += ["--config", str(workdir / CONFIG_FILE)]
    return args


def make_datasette(database: ServedDatabase, workdir: Path):
    """The same server, in-process (for Datasette's own test client)."""
    from datasette.app import Datasette

    register_all()
    metadata_path, inspect_path = write_config(database, workdir)
    config = (
        {"config": json.loads((workdir / CONFIG_FILE).read_text(encoding="utf-8"))} if datasette_major() >= 1 else {}
    )
    return Datasette(
        **config,
        immutables=[str(database.path)],
        inspect_data=json.loads(inspect_path.read_text(encoding="utf-8")),
        metadata=json.loads(metadata_path.read_text(encoding="utf-8")),
        settings=SETTINGS,
        static_mounts=[(FILES_MOUNT, str(database.path.parent))],
    )


def serve(release: str | None, host: str, port: int, releases_dir: Path = Path("releases")) -> None:
    from datasette.cli import cli

    # Importing Datasette's command line installs rich tracebacks (with locals) as the process's
    # excepthook; the server reports its errors itself (see errors.py).
    sys.excepthook = sys.__excepthook__

    register_all()
    database = locate(release, releases_dir)
    with tempfile.TemporaryDirectory(prefix="alliance-data-serve-") as workdir, edge_settings():
        cli.main(args=datasette_args(database, Path(workdir), host, port), prog_name="datasette")
