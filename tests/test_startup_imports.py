"""Each command imports what it uses, and nothing else: pinned on the real CLI in a fresh interpreter.

A command's start-up is mostly imports. ``skillwallet list --json`` needs the wallet and the command-line parser,
not the verifier, the importers, the stacking engine or the exporters; ``skillwallet verify FILE`` needs the
importers and the verifier, not the wallet's database, the exporters or a network stack. The lists below name what
each must not load (a family name covers its submodules), so a module-level import that pulls one in again fails
here rather than quietly costing every run. How fast they are is measured in benchmarks/cli_startup.py, not here.

The module lists are read from ``sys.modules`` at the end of the command, run through the console entry point
(``skillwallet.cli.main``) in a subprocess with a temporary home.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

sys.path.insert(0, str(Path(__file__).resolve().parent / "verify"))

from fixtures.di.helpers import did_key_for, ob3_credential  # noqa: E402

from skillwallet.cli.app import COMMAND_MODULES, COMMAND_OWNERS, build_app  # noqa: E402
from skillwallet.verify.data_integrity import sign_data_integrity  # noqa: E402

# Runs the CLI entry point with the given arguments, then writes the modules loaded to the file named first.
# A module counts as loaded when it is in sys.modules with a spec: verify/_pyld.py enters `lxml.html` as a
# stand-in without one, imported for real only on first use.
HARNESS = """
import json, sys
out, sys.argv = sys.argv[1], ["skillwallet", *sys.argv[2:]]
from skillwallet.cli import main
try:
    main()
except SystemExit:
    pass
finally:
    loaded = sorted(n for n, m in list(sys.modules.items()) if m is not None and getattr(m, "__spec__", None))
    with open(out, "w") as f:
        json.dump(loaded, f)
"""

#: Never loaded by a command that does not verify, import, stack or export.
NOT_FOR_LIST = (
    "rich", "pyld", "lxml", "asyncio", "aiohttp", "requests", "tomllib",
    "skillwallet.verify", "skillwallet.formats", "skillwallet.stacking", "skillwallet.skills", "skillwallet.export",
    "skillwallet.config",
    *(f"skillwallet.cli.{name}" for name in COMMAND_MODULES if name != "credentials"),
)

#: Never loaded to verify a Data Integrity credential file (no wallet, no document to look up).
NOT_FOR_VERIFY_FILE = (
    "rich", "reportlab", "PIL", "zxingcpp", "jsonschema", "icalendar",
    # pyld's document loaders and what they pull in (verify/_pyld.py); HTML is never parsed
    "asyncio", "aiohttp", "requests", "lxml.html", "lxml.etree", "concurrent.futures", "urllib.request",
    "http.client", "email", "pyld.documentloader.aiohttp", "pyld.documentloader.requests",
    "pyld.documentloader.file", "pyld.documentloader.frozen",
    # the wallet is opened only when a kept document is needed
    "sqlite3", "skillwallet.store.wallet",
    "skillwallet.stacking", "skillwallet.skills", "skillwallet.export",
    # other proof families and checks than the credential's own
    "skillwallet.verify.jose", "skillwallet.verify.jades", "skillwallet.verify.x509", "skillwallet.verify.status",
    "skillwallet.verify.token_status", "skillwallet.formats.jose", "skillwallet.formats.baked",
    "cryptography.x509", "cryptography.hazmat.primitives.asymmetric.ec",
    # RFC 3161 time-stamp tokens: read only when a JAdES seal carries one it needs
    "asn1crypto", "skillwallet.verify.timestamps",
    *(f"skillwallet.cli.{name}" for name in COMMAND_MODULES if name != "verify"),
)


def loaded_by(args: list[str], tmp_path: Path, expect: tuple[int, ...] = (0,)) -> set[str]:
    out = tmp_path / "modules.json"
    env = dict(os.environ)
    env.pop("_SKILLWALLET_COMPLETE", None)
    result = subprocess.run(
        [sys.executable, "-c", HARNESS, str(out), *args], env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return set(json.loads(out.read_text()))


def offenders(loaded: set[str], forbidden: tuple[str, ...]) -> list[str]:
    return sorted(m for m in loaded for f in forbidden if m == f or m.startswith(f + "."))


@pytest.fixture()
def wallet_with_a_credential(tmp_path: Path, passphrase: str) -> Path:
    """A real wallet (test KDF) holding one signed credential, its passphrase in the environment (``passphrase``)."""
    from skillwallet.cli.app import run

    key = Ed25519PrivateKey.generate()
    did, vm = did_key_for(key)
    credential = tmp_path / "badge.json"
    credential.write_text(json.dumps(sign_data_integrity(ob3_credential(did), key, vm)))
    assert run(["init"]) == 0
    assert run(["add", str(credential)]) == 0
    return credential


def test_list_json_loads_the_wallet_and_nothing_else(wallet_with_a_credential: Path, tmp_path: Path) -> None:
    loaded = loaded_by(["list", "--json"], tmp_path)
    assert "skillwallet.store.wallet" in loaded and "skillwallet.cli.credentials" in loaded  # it did run
    assert offenders(loaded, NOT_FOR_LIST) == []


def test_verify_file_loads_the_verifier_and_nothing_else(tmp_path: Path) -> None:
    key = Ed25519PrivateKey.generate()
    did, vm = did_key_for(key)
    credential = tmp_path / "badge.json"
    credential.write_text(json.dumps(sign_data_integrity(ob3_credential(did), key, vm)))
    loaded = loaded_by(["verify", "--json", str(credential)], tmp_path)
    assert {"skillwallet.verify.data_integrity", "pyld.jsonld", "pyld.canon"} <= loaded  # it did verify
    assert offenders(loaded, NOT_FOR_VERIFY_FILE) == []


def test_asn1crypto_is_loaded_only_to_read_a_time_stamp_a_seal_needs(tmp_path: Path) -> None:
    from datetime import datetime, timezone

    from test_jades_time_stamps import signature_of, with_time_stamps
    from test_wild_verdicts import EDC, edc_pki, jades
    from tsa_helpers import make_tsa, time_stamp_token

    root = tmp_path / "root.pem"
    for leaf_days, needed in ((3650, False), (365, True)):  # AS_OF 2026-06-01: in force / expired 2026-01-01
        chain = edc_pki(leaf_days=leaf_days)
        root.write_bytes(chain.root_pem())
        envelope = jades(EDC, chain.x5c, chain.leaf_key)
        token = time_stamp_token(signature_of(envelope), make_tsa("Test Root CA", chain.root_key),
                                 datetime(2025, 3, 20, tzinfo=timezone.utc))
        sealed = tmp_path / "edc.jsonld"
        sealed.write_text(json.dumps(with_time_stamps(envelope, token)))
        loaded = loaded_by(["verify", "--offline", "--as-of", "2026-06-01", "--trust-anchor", str(root), str(sealed)],
                           tmp_path)
        assert "skillwallet.verify.jades" in loaded  # it did verify
        assert ("asn1crypto" in loaded) == needed, leaf_days


def test_verify_file_result_is_unchanged_by_the_lean_imports(tmp_path: Path) -> None:
    """The same verdict as in-process: a genuine credential verified, one edited after signing invalid."""
    key = Ed25519PrivateKey.generate()
    did, vm = did_key_for(key)
    signed = sign_data_integrity(ob3_credential(did), key, vm)
    genuine, edited = tmp_path / "genuine.json", tmp_path / "edited.json"
    genuine.write_text(json.dumps(signed))
    edited.write_text(json.dumps(dict(signed, name="Data Analysis with Python, with distinction")))
    env = dict(os.environ)
    result = subprocess.run(
        [sys.executable, "-m", "skillwallet", "verify", "--json", str(genuine), str(edited)],
        env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 13, result.stderr  # one of them is not verified
    verdicts = {Path(r["source"]).name: r["verdict"] for r in json.loads(result.stdout)["results"]}
    assert verdicts == {"genuine.json": "verified", "edited.json": "invalid"}


def test_the_lean_pyld_import_still_gives_all_of_pyld_to_whoever_asks(tmp_path: Path) -> None:
    """After verify/_pyld.py, the rest of the process still sees the whole package and a working lxml.html."""
    code = """
import sys
from skillwallet.verify._pyld import jsonld
assert "asyncio" not in sys.modules and "pyld.documentloader.aiohttp" not in sys.modules
assert jsonld.get_document_loader().__qualname__.startswith("dummy_document_loader")  # pyld never fetches
import pyld
from pyld import ContextResolver, FrozenDocumentLoader, jsonld as again
assert again is jsonld and pyld.jsonld is jsonld
import lxml.html
assert lxml.html.fromstring("<p>x</p>").tag == "p"
assert getattr(sys.modules["lxml.html"], "__file__", None)  # the real module took the stand-in's place
print("ok")
"""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.stdout.strip() == "ok", result.stderr


def test_each_command_is_registered_by_the_module_run_loads() -> None:
    """COMMAND_OWNERS (the one module `run` imports for a command) matches what each module registers."""
    registered = {}
    for module in COMMAND_MODULES:
        application = build_app((module,))
        names = [c.name for c in application.registered_commands] + [g.name for g in application.registered_groups]
        for name in names:
            assert name not in registered, f"{name} registered by {registered.get(name)} and {module}"
            registered[name] = module
    assert registered == COMMAND_OWNERS
