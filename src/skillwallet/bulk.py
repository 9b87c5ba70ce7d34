"""Python's cyclic garbage collector around bulk loads of wallet records.

Loading 10,000 credentials creates a few hundred thousand small objects (dicts, lists, strings, dataclasses), none
of them in reference cycles. Each allocation burst triggers collections that traverse every object still young,
and the oldest generation is traversed again whenever it grew by a quarter: at 10,000 credentials the collector
made `stack` up to 1.9x slower (disabling it measured 0.67x). Two tools:

* :func:`paused_gc` around a bulk decode (the store's full reads use it): nothing the decode allocates is garbage
  with cycles, so nothing is lost by not collecting during it; the collector is re-enabled afterwards.
* :data:`freeze_after_loads`, set by the command-line entry point (a process that ends with its command): at the
  end of a paused block ``gc.freeze()`` moves everything alive into the permanent generation, so no later
  collection traverses the loaded records (re-enabled with a few hundred thousand young objects, the collector
  would otherwise traverse them all at the next allocation, then again as they age: ~0.5 s at 10,000). Frozen
  objects are still freed by reference counting; only cycles among them would wait for the process to end.
  Library use (and the test suite, which runs many commands in one process) leaves it off: there the block's
  objects are moved to the oldest generation without a traversal (freeze then unfreeze) instead.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Iterator

freeze_after_loads = False


@contextmanager
def paused_gc() -> Iterator[None]:
    """Disable the cyclic collector for the block (re-enabled after it, if it was enabled)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if freeze_after_loads:
            gc.freeze()
        elif gc.get_freeze_count() == 0:
            # library use: move what the block made straight to the oldest generation (freeze + unfreeze moves
            # lists, it traverses nothing), instead of leaving a few hundred thousand young objects for the next
            # collections to traverse one generation at a time (skipped when someone else froze objects)
            gc.freeze()
            gc.unfreeze()
        if enabled:
            gc.enable()
