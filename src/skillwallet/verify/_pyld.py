"""pyld's JSON-LD processor and canonicaliser, imported without the parts a verifier never uses.

The one place that knows how pyld is imported: the rest of ``verify`` takes ``jsonld``, ``ContextResolver``,
``URDNA2015`` and ``IdentifierIssuer`` from here.

Why: ``import pyld`` (and so ``from pyld import jsonld``, which runs the package's ``__init__`` first) imports every
document loader pyld has. ``pyld/__init__.py`` re-exports ``AioHttpDocumentLoader`` (``asyncio``, its event loops,
``concurrent.futures``), ``RequestsDocumentLoader``, ``FileDocumentLoader`` (``urllib.request``, ``http.client``,
``email``) and the SQLite-cached loader; ``pyld/jsonld.py`` itself probes ``requests`` then ``aiohttp`` for a
default loader when it is first imported, and imports ``lxml.html`` for JSON-LD embedded in HTML. A verifier
needs none of that: it reads contexts only through its own loader (``verify/jsonld.py``,
``offline_document_loader``) and never HTML. Measured with pyld 3.3 on Python 3.11: ``import pyld`` costs about
three times what importing the modules below this way costs (~100 ms against ~30 ms above a bare interpreter).

How, with nothing of pyld copied or patched:

1. ``pyld`` itself is entered in ``sys.modules`` as a package whose ``__init__`` has not run yet (its real spec and
   ``__path__``, from ``importlib.util.module_from_spec``), so ``pyld.jsonld`` and the modules it imports load
   without the loaders. The ``__init__`` runs, in that same module object, the first time anyone asks the package
   for a name it does not have yet (``from pyld import ContextResolver``, ``pyld.FrozenDocumentLoader``): code
   elsewhere in the process that wants all of pyld still gets it. (``importlib.util.LazyLoader`` cannot do this on
   Python 3.11: the import system reads the package's ``__path__`` and ``__spec__`` to import a submodule, and a
   lazy module runs its whole ``__init__`` on the first attribute read.)
2. While ``pyld.jsonld`` is first imported, its two network loaders are marked unavailable (``None`` in
   ``sys.modules`` makes their import raise ``ImportError``), so its default loader is pyld's own
   ``dummy_document_loader``, which refuses every URL: a pyld call that forgot skillwallet's loader fails closed
   rather than fetching (JSONLD-CONTEXTS.md: a verifier never fetches a context). The marks are removed right after.
3. ``lxml.html`` is entered as a stand-in that imports the real module on its first use and then steps aside:
   pyld looks up ``lxml.html.fromstring`` only when a document loader returns HTML, which skillwallet's never does.

If ``pyld`` is already fully imported (another library, a test), it is used as it is.
"""

from __future__ import annotations

import importlib
import importlib.machinery
import importlib.util
import sys
import types

#: pyld's loaders that import a network stack; unavailable while ``pyld.jsonld`` chooses its default loader.
_NETWORK_LOADERS = ("pyld.documentloader.requests", "pyld.documentloader.aiohttp")


class _PackageInitOnDemand(types.ModuleType):
    """The ``pyld`` package before its ``__init__`` ran: runs it on the first request for a name it lacks."""

    def __getattr__(self, name: str):
        if (name.startswith("__") and name != "__all__") or self.__dict__.get("_skillwallet_init_done"):
            raise AttributeError(name)  # dunders the import system and inspect probe: never worth the loaders
        submodule = f"{self.__name__}.{name}"
        if submodule in sys.modules:  # being imported (pyld's modules import each other with ``from pyld import``)
            return sys.modules[submodule]
        if importlib.machinery.PathFinder.find_spec(submodule, self.__path__) is not None:
            raise AttributeError(name)  # a submodule not imported yet: the import system imports it on its own
        self.__dict__["_skillwallet_init_done"] = True
        self.__spec__.loader.exec_module(self)  # pyld/__init__.py, in this same module object
        try:
            return self.__dict__[name]
        except KeyError:
            raise AttributeError(f"module 'pyld' has no attribute {name!r}") from None


class _ModuleOnFirstUse(types.ModuleType):
    """Stands in ``sys.modules`` for a module that is imported for real on the first attribute read."""

    def __init__(self, name: str) -> None:
        super().__init__(name)  # sets __spec__ = None: the import system reads it without loading anything

    def __getattr__(self, attribute: str):
        if attribute.startswith("__") and attribute.endswith("__"):
            raise AttributeError(attribute)
        name = self.__name__
        if sys.modules.get(name) is self:
            del sys.modules[name]
        real = importlib.import_module(name)  # also sets the attribute on the parent package to the real module
        return getattr(real, attribute)


def _stand_in(name: str) -> None:
    """Enter ``name`` (a module inside an importable package) as a :class:`_ModuleOnFirstUse`, if not imported yet."""
    if name in sys.modules:
        return
    parent_name, _, child = name.rpartition(".")
    try:
        parent = importlib.import_module(parent_name)
    except ImportError:
        return  # pyld's own import will report it
    stand_in = _ModuleOnFirstUse(name)
    sys.modules[name] = stand_in
    setattr(parent, child, stand_in)


def _import_lean():
    if "pyld.jsonld" in sys.modules and sys.modules["pyld.jsonld"] is not None:
        return sys.modules["pyld.jsonld"]
    if "pyld" not in sys.modules:
        spec = importlib.util.find_spec("pyld")
        if spec is None or spec.loader is None:
            raise ImportError("pyld is not installed")
        package = importlib.util.module_from_spec(spec)
        package.__class__ = _PackageInitOnDemand
        sys.modules["pyld"] = package
    _stand_in("lxml.html")
    marked = [name for name in _NETWORK_LOADERS if name not in sys.modules]
    for name in marked:
        sys.modules[name] = None  # type: ignore[assignment]
    try:
        return importlib.import_module("pyld.jsonld")
    finally:
        for name in marked:
            if sys.modules.get(name, False) is None:
                del sys.modules[name]


jsonld = _import_lean()

from pyld.canon import URDNA2015  # noqa: E402 - imported by pyld.jsonld above, without the package __init__
from pyld.context_resolver import ContextResolver  # noqa: E402
from pyld.identifier_issuer import IdentifierIssuer  # noqa: E402

__all__ = ["ContextResolver", "IdentifierIssuer", "URDNA2015", "jsonld"]
