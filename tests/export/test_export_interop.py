"""Opt-in: a presentation made by `skillwallet export --presentation` verified by an independent implementation
(Digital Bazaar's jsonld-signatures + eddsa-rdfc-2022 cryptosuite, on jsonld.js), offline with the shipped contexts.

Runs when ``SKILLWALLET_INTEROP_NODE_DIR`` names a folder where these npm packages are installed::

    npm install @digitalbazaar/data-integrity @digitalbazaar/eddsa-rdfc-2022-cryptosuite \\
        @digitalbazaar/ed25519-multikey @digitalbazaar/did-method-key jsonld-signatures
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from export_helpers import sample_wallet_items

from skillwallet.export.presentation import sign_presentation

NODE_DIR = os.environ.get("SKILLWALLET_INTEROP_NODE_DIR")
pytestmark = pytest.mark.skipif(
    not NODE_DIR or shutil.which("node") is None, reason="set SKILLWALLET_INTEROP_NODE_DIR (see the module docstring)"
)


def _run_node(vp: dict, challenge: str, domain: str, tmp_path: Path) -> subprocess.CompletedProcess:
    import skillwallet

    script = Path(NODE_DIR) / "skillwallet_verify_vp.mjs"
    shutil.copyfile(Path(__file__).parent / "interop" / "verify_vp.mjs", script)
    document = tmp_path / "vp.json"
    document.write_text(json.dumps(vp), "utf-8")
    env = dict(os.environ, SKILLWALLET_CONTEXTS=str(Path(skillwallet.__file__).parent / "data" / "contexts"))
    return subprocess.run(["node", str(script), str(document), challenge, domain], capture_output=True, text=True,
                          env=env, timeout=120, cwd=NODE_DIR)


def test_independent_verifier_accepts_the_presentation_and_rejects_tampering(tmp_path: Path) -> None:
    from test_export_formats import _holder

    key, did, method = _holder()
    vp = sign_presentation(sample_wallet_items(), private_key=key, holder=did, verification_method=method,
                           challenge="c-1", domain="hr.example.com").presentation
    accepted = _run_node(vp, "c-1", "hr.example.com", tmp_path)
    assert accepted.returncode == 0 and "VERIFIED" in accepted.stdout, accepted.stdout + accepted.stderr
    vp["verifiableCredential"][1]["name"] = "Doctor of Medicine"
    rejected = _run_node(vp, "c-1", "hr.example.com", tmp_path)
    assert rejected.returncode == 1 and "FAILED" in rejected.stdout
