"""Regenerate the format-1 golden wallet (run once per released format; never for an existing version).

    SKILLWALLET_KDF_PROFILE=test python tests/golden/make_wallet_v1.py

Writes ``wallet-v1/wallet.sqlite``, ``wallet-v1/backup.swbackup`` and ``wallet-v1/expected.json``: what every
later skillwallet must read back from them with the passphrase in ``wallet-v1/PASSPHRASE``.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from datetime import datetime, timezone
from pathlib import Path

from skillwallet.model import Credential, Issuer, Skill, Verdict

HERE = Path(__file__).parent / "wallet-v1"


def main() -> None:
    os.environ["SKILLWALLET_KDF_PROFILE"] = "test"
    scratch = Path(tempfile.mkdtemp())
    os.environ["SKILLWALLET_STATE_DIR"] = str(scratch / "state")
    from skillwallet.store import Wallet
    from skillwallet.store.backup import write_backup

    passphrase = (HERE / "PASSPHRASE").read_text().strip()
    home = scratch / "wallet"
    with Wallet.init(home, passphrase) as wallet:
        first = Credential(
            format="ob3",
            original=b'{"id":"urn:uuid:golden-1","type":["VerifiableCredential","OpenBadgeCredential"]}',
            credential_id="urn:uuid:golden-1",
            title="Golden Badge",
            issuer=Issuer(id="https://issuer.example", name="Golden Issuer"),
            issued=datetime(2024, 3, 1, tzinfo=timezone.utc),
            expires=datetime(2030, 3, 1, tzinfo=timezone.utc),
            skills=[Skill(name="Testing", framework="ESCO", code="http://data.europa.eu/esco/skill/x")],
        )
        second = Credential(format="vc-jwt", original=b"eyJhbGciOiJFZERTQSJ9.e30.sig", media_type="application/jwt",
                            title="Golden JWT")
        a, _ = wallet.add_credential(first, Verdict(verdict="verified", checks={"signature": "pass"},
                                                    checked_at=datetime(2026, 1, 1, tzinfo=timezone.utc)))
        b, _ = wallet.add_credential(second)
        wallet.set_tags(a, ["golden", "job"])
        wallet.set_note(b, "note in the golden wallet")
        wallet.set_profile({"name": "Golden Holder", "emails": ["holder@example.org"]})
        wallet.put("documents", "https://example.org/context.jsonld", {"@context": {"x": "https://example.org/x"}})
        HERE.mkdir(exist_ok=True)
        write_backup(wallet, HERE / "backup.swbackup", force=True)
        expected = {
            "credentials": [s.to_record() | {"id": s.wallet_id} for s in wallet.list_credentials()],
            "profile": wallet.get_profile(),
            "holder_did": wallet.holder_did,
            "documents": wallet.items("documents"),
        }
    shutil.copyfile(home / "wallet.sqlite", HERE / "wallet.sqlite")
    (HERE / "expected.json").write_text(json.dumps(expected, indent=2, sort_keys=True) + "\n")
    shutil.rmtree(scratch)


if __name__ == "__main__":
    main()
