"""Where skillwallet keeps things. The one place that reads platformdirs and the env overrides.

Without overrides: the platform's user data folder (the wallet), config folder and state folder.

``SKILLWALLET_HOME`` moves *everything* of one wallet under one folder, so two homes never share anything:
the wallet file at its top, the config in ``$SKILLWALLET_HOME/config`` and the machine-local state (sessions,
the rollback record) in ``$SKILLWALLET_HOME/state``; nothing is written to the platform folders then (the one
thing read there: a rollback record an earlier release kept in the platform state folder, see the store). ``SKILLWALLET_CONFIG_DIR`` and ``SKILLWALLET_STATE_DIR`` still override each folder on its own.

The trade-off of keeping the rollback record inside the home (docs/store.md, "Rollback"): a copy of the whole
folder put back brings its older record with it, so only the platform default or a ``SKILLWALLET_STATE_DIR``
outside the home detects a rollback of the whole folder; replacing the wallet file alone, or deleting the
record, is still detected or reported.
"""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "skillwallet"
CONFIG_SUBDIR = "config"  # under $SKILLWALLET_HOME
STATE_SUBDIR = "state"  # under $SKILLWALLET_HOME


def _home_override() -> Path | None:
    env = os.environ.get("SKILLWALLET_HOME")
    return Path(env).expanduser() if env else None


def wallet_home() -> Path:
    """The wallet folder: ``$SKILLWALLET_HOME`` or the platform's user data folder."""
    home = _home_override()
    if home is not None:
        return home
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def config_dir() -> Path:
    """``$SKILLWALLET_CONFIG_DIR``, else ``$SKILLWALLET_HOME/config``, else the platform's user config folder."""
    env = os.environ.get("SKILLWALLET_CONFIG_DIR")
    if env:
        return Path(env).expanduser()
    home = _home_override()
    if home is not None:
        return home / CONFIG_SUBDIR
    import platformdirs

    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def config_file() -> Path:
    return config_dir() / "config.toml"


def state_dir() -> Path:
    """Machine-local state outside the wallet file: sessions and the last generation seen (rollback detection).

    ``$SKILLWALLET_STATE_DIR``, else ``$SKILLWALLET_HOME/state``, else the platform's user state folder.
    """
    env = os.environ.get("SKILLWALLET_STATE_DIR")
    if env:
        return Path(env).expanduser()
    home = _home_override()
    if home is not None:
        return home / STATE_SUBDIR
    return platform_state_dir()


def platform_state_dir() -> Path:
    """The platform's user state folder, whatever the overrides say (read only for a record kept there before)."""
    import platformdirs

    return Path(platformdirs.user_state_dir(APP_NAME, appauthor=False))


def state_in_home() -> bool:
    """Whether the state folder is the default one inside ``$SKILLWALLET_HOME`` (no ``SKILLWALLET_STATE_DIR``)."""
    return not os.environ.get("SKILLWALLET_STATE_DIR") and _home_override() is not None
