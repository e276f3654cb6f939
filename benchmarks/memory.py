"""Peak memory of a process tree, as PSS: what the build's processes really hold together.

Sampling is not free: reading /proc/<pid>/smaps_rollup walks the process's page tables under its
memory lock, and every 50 ms that added 9–16 s of system time to a 1M build (a sampler per
figure doubled it; benchmarks/NOTES.md). So a build is timed with no sampler running, and its
memory is measured in a run of its own.

Standard library only: benchmarks.side_worker loads this file by its path beside older code.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from pathlib import Path


def pss_mib(pid: int) -> float:
    """Proportional set size: pages shared between processes (a fork's copy-on-write tables)
    are split between them, so the sum over processes is the memory they really hold."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


class MemorySampler:
    """The peak of this process's PSS plus its children's, sampled every `interval` seconds
    from when it is made until `stop`."""

    def __init__(self, interval: float = 0.05) -> None:
        self.peak_mib = 0.0
        self._stop = threading.Event()

        def sample() -> None:
            while not self._stop.wait(interval):
                pids = [os.getpid(), *(child.pid for child in multiprocessing.active_children())]
                self.peak_mib = max(self.peak_mib, sum(pss_mib(pid) for pid in pids))

        self._thread = threading.Thread(target=sample, daemon=True)
        self._thread.start()

    def stop(self) -> float:
        self._stop.set()
        self._thread.join()
        return self.peak_mib
