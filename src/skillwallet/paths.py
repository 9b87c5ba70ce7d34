"""Where skillwallet keeps things. The one place that reads platformdirs and the env overrides.

``SKILLWALLET_HOME`` overrides the wallet folder (data); ``SKILLWALLET_CONFIG_DIR`` the config folder;
``SKILLWALLET_STATE_DIR`` the machine-local state. The state deliberately stays outside the wallet folder
even when ``SKILLWALLET_HOME`` moves the wallet: it records the last generation of each wallet this machine
has seen, and a copy of the whole wallet folder put back must not bring an older record with it.
Throwaway homes (tests, ``make demo``) set all three.
"""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "skillwallet"


def wallet_home() -> Path:
    """The wallet folder: ``$SKILLWALLET_HOME`` or the platform's user data folder."""
    env = os.environ.get("SKILLWALLET_HOME")
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def config_dir() -> Path:
    env = os.environ.get("SKILLWALLET_CONFIG_DIR")
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def config_file() -> Path:
    return config_dir() / "config.toml"


def state_dir() -> Path:
    """Machine-local state outside the wallet file (e.g. the last generation seen, for rollback detection)."""
    env = os.environ.get("SKILLWALLET_STATE_DIR")
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_state_dir(APP_NAME, appauthor=False))
