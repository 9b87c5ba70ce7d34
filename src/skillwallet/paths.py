"""Where skillwallet keeps things. The one place that reads platformdirs and the env overrides.

``SKILLWALLET_HOME`` overrides the wallet folder (data); ``SKILLWALLET_CONFIG_DIR`` the config folder.
With ``SKILLWALLET_HOME`` set and no ``SKILLWALLET_CONFIG_DIR``, config and state live inside the home,
so a throwaway home (tests, ``make demo``) never touches the real user's folders.
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
    if os.environ.get("SKILLWALLET_HOME"):
        return wallet_home() / "config"
    import platformdirs

    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def config_file() -> Path:
    return config_dir() / "config.toml"


def state_dir() -> Path:
    """Machine-local state outside the wallet file (e.g. the last generation seen, for rollback detection)."""
    env = os.environ.get("SKILLWALLET_STATE_DIR")
    if env:
        return Path(env).expanduser()
    if os.environ.get("SKILLWALLET_HOME"):
        return wallet_home() / "state"
    import platformdirs

    return Path(platformdirs.user_state_dir(APP_NAME, appauthor=False))
