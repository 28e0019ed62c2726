"""Memory budgets: estimate the bytes a run needs before allocating, refuse what cannot fit.

Limits follow from the memory available on this machine (``MemAvailable`` on Linux), never
from a fixed count that could still exhaust it. Pure Python.
"""

from __future__ import annotations

import os

from spendcalc.core.errors import SpendcalcError

FALLBACK_AVAILABLE = 2 * 1024**3
"""Bytes assumed available where the system does not say (non-Linux without sysconf)."""
SAFE_FRACTION = 0.8
"""Share of the available memory a run may plan to use: the rest is for other processes."""


def available_bytes() -> int:
    """Memory the system could give this process now without swapping, in bytes."""
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return FALLBACK_AVAILABLE


def size(n_bytes: float) -> str:
    """``n_bytes`` for people: 1.5 GiB, 2.6 TiB."""
    for unit in ("B", "KiB", "MiB", "GiB", "TiB", "PiB"):
        if abs(n_bytes) < 1024 or unit == "PiB":
            return f"{n_bytes:.0f} {unit}" if unit == "B" else f"{n_bytes:.1f} {unit}"
        n_bytes /= 1024
    raise AssertionError("unreachable")


def require(what: str, needed: float, available: int | None = None) -> None:
    """Raise a one-line error when ``needed`` bytes exceed the safe share of the memory
    available (``available`` bytes, or the system's figure)."""
    have = available_bytes() if available is None else available
    if needed > SAFE_FRACTION * have:
        raise SpendcalcError(f"{what}: needs about {size(needed)} of memory; "
                             f"{size(have)} available")
