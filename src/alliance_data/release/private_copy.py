"""A private copy of a verified release, so that what is served is exactly what was verified.

Verifying a directory and then serving it serves whatever it holds later: a file appended to,
replaced or added after the check. The copy is written into a new directory only this user can
enter, each file hashed as it is copied and compared with the SHA-256 the verification
accepted; a file changed in between is refused. The copy is made read-only and removed when
the process exits.
"""

from __future__ import annotations

import atexit
import hashlib
import os
import shutil
import stat
import tempfile
from pathlib import Path

from .checksums import SUMS_FILE, ChecksumMismatch
from .trust import Verified

_BLOCK = 1 << 20


def _copy_hashing(source: Path, target: Path) -> str:
    """Copy the regular file `source` (never a symlink) to `target`; the SHA-256 of what was copied."""
    digest = hashlib.sha256()
    descriptor = os.open(source, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    with open(descriptor, "rb") as reader:
        if not stat.S_ISREG(os.fstat(reader.fileno()).st_mode):
            raise ChecksumMismatch(f"{source}: no longer a regular file since it was verified")
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(target, "xb") as writer:
            for block in iter(lambda: reader.read(_BLOCK), b""):
                digest.update(block)
                writer.write(block)
    os.chmod(target, 0o444)
    return digest.hexdigest()


def private_copy(verified: Verified) -> Path:
    """A read-only copy of the verified release's files (those SHA256SUMS lists, and it), in
    a new private directory removed at exit; ChecksumMismatch when a file changed since."""
    copy = Path(tempfile.mkdtemp(prefix=f"alliance-data-{verified.directory.name}-"))
    atexit.register(shutil.rmtree, copy, ignore_errors=True)
    expected = {**verified.sums, SUMS_FILE: verified.sums_sha256}
    changed = []
    try:
        for name, digest in expected.items():
            if _copy_hashing(verified.directory / name, copy / name) != digest:
                changed.append(name)
    except OSError as error:
        raise ChecksumMismatch(
            f"{verified.directory}: {error.filename}: cannot be copied ({error.strerror}) after it was verified"
        ) from None
    if changed:
        raise ChecksumMismatch(
            f"{verified.directory}: {', '.join(changed[:10])} changed after it was verified: nothing is served; "
            "download the release again"
        )
    return copy
