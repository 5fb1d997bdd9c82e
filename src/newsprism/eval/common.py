"""What the evaluation runners share."""

from __future__ import annotations


def peak_rss_mb() -> float:
    """Peak resident memory of this process plus the largest finished child (the background encoder)."""
    import resource

    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return round((own + child) / 1024, 1)
