"""Streamlit glue, computing ahead: a page starts what it reads further down in a background
thread, so that on a machine of two cores it is computed beside what the page computes and
shows first. That is what a first visit waits for before the warm-up has its statistics (at
10,000 branches: the Branch page's estimates with their rank intervals, 1.3 s; the What-if
page's cross-lagged model over every wave, 1.3 s). The page, reading an entry being computed
ahead, waits for it instead of computing it twice (the caches' and the core's per-entry
locks); where the entries are computed, the thread only finds them."""

from loyalty import warming
from pages import _cache as c
from pages._warm import warmer

#: What a page may ask for ahead: the name of its reader (``pages._shared``) and how the
#: cached entry is computed from the viewer's key and the reader's arguments.
READERS = {
    "engagement_estimates": lambda key, wave: c._estimates(*key, wave),
    "expected_vs_actual": lambda key, wave, loyalty: c._expected(*key, wave, loyalty),
    "drivers": lambda key, wave, loyalty: c._drivers(*key, wave, loyalty),
    "corrected_links": lambda key, wave, loyalty: c._corrected(*key, wave, loyalty),
    "lag_direction": lambda key, loyalty: c._lags(*key, loyalty),
}


def ahead(*requests: tuple):
    """Compute ``requests`` (each the name of a reader and its arguments, e.g. ``("drivers",
    wave, "nps")``) in order in one background thread; the thread's future. Only in the served
    app (its warm-up enabled): in scripts and tests each entry is computed when read."""
    if not warmer.enabled:
        return None
    key = c._key()  # this viewer's (the thread has no session)
    work = [(READERS[name], args) for name, *args in requests]

    def compute() -> None:
        for read, args in work:
            read(key, *args)

    return warming.in_background(compute, name="loyalty-ahead")
