"""Python's cyclic garbage collector around bulk loads of wallet records.

Loading 10,000 credentials creates a few hundred thousand small objects (dicts, lists, strings, dataclasses), none
of them in reference cycles. Each allocation burst triggers collections that traverse every object still young,
and the oldest generation is traversed again whenever it grew by a quarter: at 10,000 credentials the collector
made `stack` up to 1.9x slower (disabling it measured 0.67x). Two tools:

* :func:`paused_gc` around a bulk decode (the store's full reads use it): nothing the decode allocates is garbage
  with cycles, so nothing is lost by not collecting during it; the collector is re-enabled afterwards.
* :func:`frozen_gc` around a command that loads a wallet and then works on it (``stack``, ``skills``): after the
  load, ``gc.freeze()`` moves what is alive into the permanent generation, so later collections (the evaluation's
  own young objects) never traverse the loaded credentials again; ``gc.unfreeze()`` when the command ends.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Callable, Iterator


@contextmanager
def paused_gc() -> Iterator[None]:
    """Disable the cyclic collector for the block (re-enabled after it, if it was enabled)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@contextmanager
def frozen_gc() -> Iterator[Callable[[], None]]:
    """Freeze whatever is alive when the block's ``freeze()`` step is reached; unfreeze when the block ends.

    Use as ``with frozen_gc() as freeze: load(); freeze()``.
    """
    frozen = False

    def freeze() -> None:
        nonlocal frozen
        gc.freeze()
        frozen = True

    try:
        yield freeze
    finally:
        if frozen:
            gc.unfreeze()
