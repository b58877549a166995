"""A ceiling on the memory one figure's processing may take in a worker process.

The request checks an upload's declared size against the decoding budget; this guards the
worker against whatever that check cannot see (a decoder's own appetite, a file whose header
lies). The ceiling is an address-space limit (RLIMIT_AS) set for the length of the task,
relative to what the process already uses: an allocation past it raises MemoryError in the
task, which records the figure as failed, instead of the kernel's OOM killer ending the
worker with the task half done and the figure stuck in "processing".

Celery's `worker_max_memory_per_child` was not chosen: it only replaces a child after a task
has finished, so it cannot stop the one task that exhausts the machine.

The limit applies to the whole process, so it is only set where the process runs one task at
a time (the prefork pool the Procfile starts), never when tasks run inline in the web process.
"""

from __future__ import annotations

import contextlib
import resource
from collections.abc import Iterator

MB = 1024 * 1024


def address_space_in_use() -> int:
    """The process's virtual memory size in bytes (VmSize), or 0 where /proc is missing."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


@contextlib.contextmanager
def memory_ceiling(extra_mb: int | None) -> Iterator[None]:
    """Let the process grow by at most `extra_mb` MB of address space inside the block.

    None or 0 sets nothing. The previous limit is restored on the way out, so the next task
    starts from its own baseline.
    """
    in_use = address_space_in_use()
    if not extra_mb or in_use == 0:
        yield
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    ceiling = in_use + extra_mb * MB
    if hard != resource.RLIM_INFINITY:
        ceiling = min(ceiling, hard)
    if soft != resource.RLIM_INFINITY:
        ceiling = min(ceiling, soft)
    resource.setrlimit(resource.RLIMIT_AS, (ceiling, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
