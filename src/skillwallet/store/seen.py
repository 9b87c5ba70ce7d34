"""The rollback record: the last generation of a wallet seen on this machine at its location, MAC-ed.

Kept outside the wallet file, in :func:`skillwallet.paths.state_dir`, so that putting an older copy of the whole
file back is detected (shared SECURITY.md test 3; docs/store.md, "Rollback").
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from skillwallet.errors import RollbackError
from skillwallet.store import crypto, fsutil
from skillwallet.store.keys import Keys

# The generation ``init`` leaves: 0 for the empty wallet, 1 once the holder key is written. A wallet above it has
# history, so a missing rollback record for it is reported rather than silently created (docs/store.md).
INITIAL_GENERATION = 1


def _seen_name(home: Path) -> str:
    return hashlib.sha256(str(Path(home).resolve()).encode()).hexdigest()[:24] + ".json"


def seen_record_path(home: Path) -> Path:
    """The rollback record of the wallet in ``home``: ``state_dir()/seen/<hash of the home's path>.json``."""
    from skillwallet import paths

    return paths.state_dir() / "seen" / _seen_name(home)


def legacy_seen_record_path(home: Path) -> Path:
    """Where a release that kept the state in the platform folder even with SKILLWALLET_HOME put the record."""
    from skillwallet import paths

    return paths.platform_state_dir() / "seen" / _seen_name(home)


def paths_state_in_home() -> bool:
    """Whether the state folder follows SKILLWALLET_HOME (:func:`skillwallet.paths.state_in_home`)."""
    from skillwallet import paths

    return paths.state_in_home()


def read_seen_file(path: Path) -> dict[str, Any] | None:
    """The record at ``path``; ``None`` if there is none, ``{"invalid": True}`` if it cannot be read as one."""
    try:
        data = json.loads(path.read_bytes())
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        return {"invalid": True}
    return data if isinstance(data, dict) else {"invalid": True}


def rollback_status(home: Path, integrity_rows: list[tuple]) -> dict[str, Any]:
    """What ``status`` and ``doctor`` say about rollback protection, from the wallet's integrity row as read
    without the key (``integrity_rows``: the result of selecting it) and the record on this machine.

    ``generation`` is read from the integrity row without checking its MAC (that needs the key): good enough
    to decide whether to warn, since opening the wallet checks it. ``unverified`` is the state in which every
    command warns: history (generation above the initial one) and no record of the versions seen.
    """
    generation = None
    try:
        raw = integrity_rows[0][0]
        generation = int(json.loads(bytes(raw[:-32]))["g"])
    except (IndexError, TypeError, ValueError, KeyError):
        pass
    record = seen_record_path(home)
    present = record.exists() or (paths_state_in_home() and legacy_seen_record_path(home).exists())
    return {
        "generation": generation,
        "record": str(record),
        "record_present": present,
        "unverified": not present and generation is not None and generation > INITIAL_GENERATION,
    }


class RollbackRecord:
    """Reading, checking and writing the wallet's rollback record.

    Part of :class:`skillwallet.store.wallet.Wallet` (a mixin): it uses the wallet's ``home``, ``header``,
    ``wallet_uid``, ``_keys`` and ``_generation`` (read again with ``_load_integrity``), and keeps its
    ``_track_seen`` and ``rollback_unverified``.
    """

    def _state_file(self) -> Path:
        return seen_record_path(self.home)

    def _seen_mac(self, generation: int, keys: "Keys | None" = None) -> str:
        return crypto.mac(
            (keys or self._keys).state,
            str(self.home.resolve()).encode(),
            self.header.wallet_id,
            generation.to_bytes(8, "big"),
        ).hex()

    def _read_seen(self) -> dict[str, Any] | None:
        data = read_seen_file(self._state_file())
        if data is None and paths_state_in_home():
            # the record a release before SKILLWALLET_HOME moved the state kept in the platform folder:
            # read (never written) so that an upgrade keeps its rollback protection instead of starting blind
            legacy = read_seen_file(legacy_seen_record_path(self.home))
            if legacy is not None and legacy.get("wallet_id") == self.wallet_uid:
                data = dict(legacy, legacy=True)
        return data

    def _verified_seen_generation(self, seen: dict[str, Any], keys: "Keys | None" = None) -> tuple[int | None, bool]:
        """The generation a record proves under ``keys`` (None if neither of its MACs verifies), and whether it was
        the pending ``next`` entry a passphrase change writes before its commit that verified."""
        import hmac as _hmac

        generation = seen.get("generation")
        mac = seen.get("mac")
        if isinstance(generation, int) and isinstance(mac, str) and _hmac.compare_digest(mac, self._seen_mac(generation, keys)):
            return generation, False
        pending = seen.get("next")
        if isinstance(pending, dict):
            generation, mac = pending.get("generation"), pending.get("mac")
            if isinstance(generation, int) and isinstance(mac, str) and _hmac.compare_digest(
                mac, self._seen_mac(generation, keys)
            ):
                return generation, True
        return None, False

    def _check_rollback(self) -> None:
        """Compare with the last generation this machine saw at this location (SECURITY.md test 3).

        No record at all is accepted silently only for a wallet without history (the generation ``init`` leaves):
        a wallet that has been written since and has no record is either new to this machine or location, or an
        older copy put back together with the record deleted. The two cannot be told apart, so the wallet opens
        but :attr:`rollback_unverified` is set (every command warns) and no record is written until the user
        accepts the wallet once with :meth:`trust_current` (``skillwallet restore --trust-current``).
        """
        seen = self._read_seen()
        if seen is None:
            if self._generation <= INITIAL_GENERATION:
                self._record_seen(force=True)
            else:
                self.rollback_unverified = True
                self._track_seen = False  # never record what the user has not accepted
            return
        if seen.get("wallet_id") != self.wallet_uid:
            raise RollbackError(
                f"the wallet at {self.home} is not the one this machine last opened there (the file was swapped)",
                "if you put it there on purpose, run: skillwallet restore --trust-current",
            )
        generation, pending = self._verified_seen_generation(seen)
        if generation is None:
            raise RollbackError(
                "the record of the last wallet version seen on this machine was tampered with, or belongs to "
                "an older copy of the wallet (from before a passphrase change)",
                "if you trust the wallet file as it is, run: skillwallet restore --trust-current",
            )
        if self._generation < generation:
            # Another process may have committed (and recorded a newer generation) between this one reading
            # the wallet and reading the record: read the wallet again before calling it a rollback.
            self._load_integrity()
        if self._generation < generation:
            raise RollbackError(
                f"the wallet at {self.home} is older than one this machine has already seen "
                f"(generation {self._generation} < {generation})",
                "if you put an old copy back on purpose, run: skillwallet restore --trust-current",
            )
        if self._generation > generation or pending or seen.get("legacy"):
            self._record_seen(force=bool(pending or seen.get("legacy")))

    def _record_seen(self, *, force: bool = False) -> None:
        if force:
            self._track_seen = True
            self.rollback_unverified = False
        elif not self._track_seen:
            return
        if not force:
            seen = self._read_seen()
            if (
                seen
                and not seen.get("legacy")
                and seen.get("wallet_id") == self.wallet_uid
                and isinstance(seen.get("generation"), int)
                and seen["generation"] >= self._generation
                and "next" not in seen
            ):
                return
        fsutil.atomic_write(self._state_file(), json.dumps(self._seen_payload(self._generation)).encode(), step="seen")

    def _seen_payload(self, generation: int, keys: "Keys | None" = None) -> dict[str, Any]:
        return {
            "wallet_id": self.wallet_uid,
            "home": str(self.home.resolve()),
            "generation": generation,
            "mac": self._seen_mac(generation, keys),
        }

    def trust_current(self) -> None:
        """Accept this wallet file as the newest one at this location (the explicit rollback override)."""
        self._record_seen(force=True)
