"""The user's configuration file: a small TOML file under the platform's config folder.

``paths.config_file()`` is where it lives. Every key is optional; a missing file means the defaults.
The file is validated on load with one precise message per problem (which key, what was expected), and
written atomically (temporary file in the same folder, ``fsync``, ``os.replace``) with mode 0600, so a
crash while saving never leaves half a config behind.

Keys (all top level)::

    paper = "a4"               # "a4" | "letter": default paper size for PDF exports
    offline = true             # offline-first verification: never fetch documents unless told to
    kdf_profile = "default"    # "default" | "moderate" | "strong": Argon2id cost for NEW wallets
    trusted_issuers = []       # issuer ids (DIDs, URLs) the holder trusts explicitly

Other parts read it with :func:`load_config`, which returns a :class:`Config`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from skillwallet import paths
from skillwallet.errors import InvalidInputError, StorageIOError

PAPER_SIZES = ("a4", "letter")
KDF_PROFILES = ("default", "moderate", "strong")
_TRUE_WORDS = ("true", "yes", "on", "1")
_FALSE_WORDS = ("false", "no", "off", "0")


class ConfigError(InvalidInputError):
    """The config file, or a value given for one of its keys, is not valid."""


@dataclass
class Config:
    """The validated configuration. Defaults are what a user gets with no config file."""

    paper: str = "a4"
    offline: bool = True  # offline first: verification uses shipped contexts and the wallet's cache
    kdf_profile: str = "default"
    trusted_issuers: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The values as TOML/JSON-ready plain data, in declaration order."""
        return {f.name: (list(v) if isinstance(v := getattr(self, f.name), list) else v) for f in fields(self)}


# What each key accepts, as said in error messages and by ``config show``.
KEY_DESCRIPTIONS: dict[str, str] = {
    "paper": "default paper size for PDF exports: one of " + ", ".join(PAPER_SIZES),
    "offline": "verify offline only (true) or allow fetching documents online (false)",
    "kdf_profile": "passphrase hashing cost for new wallets: one of " + ", ".join(KDF_PROFILES),
    "trusted_issuers": "issuer ids (DIDs or URLs) you trust explicitly; a list of strings",
}
CONFIG_KEYS = tuple(KEY_DESCRIPTIONS)


def _where(path: Path | None) -> str:
    return f"{path}: " if path is not None else ""


def _validate_value(key: str, value: Any, path: Path | None = None) -> Any:
    """Check one key's value as read from TOML (typed) and return it normalised; raise :class:`ConfigError`."""
    where = _where(path)
    if key == "paper":
        if not isinstance(value, str) or value.lower() not in PAPER_SIZES:
            raise ConfigError(
                f"{where}'paper' must be one of {', '.join(repr(p) for p in PAPER_SIZES)}, not {value!r}"
            )
        return value.lower()
    if key == "offline":
        if not isinstance(value, bool):
            raise ConfigError(f"{where}'offline' must be true or false, not {value!r}")
        return value
    if key == "kdf_profile":
        if not isinstance(value, str) or value.lower() not in KDF_PROFILES:
            raise ConfigError(
                f"{where}'kdf_profile' must be one of {', '.join(repr(p) for p in KDF_PROFILES)}, not {value!r}"
            )
        return value.lower()
    if key == "trusted_issuers":
        if not isinstance(value, list):
            raise ConfigError(f"{where}'trusted_issuers' must be a list of strings, not {value!r}")
        cleaned: list[str] = []
        for index, item in enumerate(value):
            if not isinstance(item, str) or not item.strip():
                raise ConfigError(
                    f"{where}'trusted_issuers[{index}]' must be a non-empty string (a DID or URL), not {item!r}"
                )
            if item.strip() not in cleaned:
                cleaned.append(item.strip())
        return cleaned
    raise _unknown_key(key, path)


def _unknown_key(key: str, path: Path | None = None) -> ConfigError:
    import difflib

    hints = []
    close = difflib.get_close_matches(key, CONFIG_KEYS, n=1)
    if close:
        hints.append(f"did you mean '{close[0]}'?")
    hints.append("known keys: " + ", ".join(CONFIG_KEYS))
    return ConfigError(f"{_where(path)}unknown config key '{key}'", *hints)


def config_from_mapping(data: dict[str, Any], path: Path | None = None) -> Config:
    """Build a :class:`Config` from parsed TOML, validating every key."""
    values: dict[str, Any] = {}
    for key, value in data.items():
        values[key] = _validate_value(key, value, path)
    return Config(**values)


def load_config(path: Path | None = None) -> Config:
    """Read and validate the config file (``paths.config_file()`` by default); defaults when it is absent."""
    path = path or paths.config_file()
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return Config()
    except IsADirectoryError:
        raise ConfigError(f"{path}: is a folder, expected a TOML file") from None
    except OSError as exc:
        raise StorageIOError(f"cannot read the config file {path}: {exc.strerror}") from None
    import tomllib  # only when there is a file to read

    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        # tomllib's message names the line and column, e.g. "Invalid value (at line 2, column 9)"
        raise ConfigError(f"{path}: not valid TOML: {exc}", "fix the file or remove it to use the defaults") from None
    return config_from_mapping(data, path)


def parse_value(key: str, text: str) -> Any:
    """Turn the text a user typed (``config set KEY VALUE``) into the typed, validated value for ``key``.

    Booleans accept true/false, yes/no, on/off, 1/0; lists are comma-separated (an empty string: empty list).
    """
    if key not in KEY_DESCRIPTIONS:
        raise _unknown_key(key)
    value: Any = text
    if key == "offline":
        word = text.strip().lower()
        if word in _TRUE_WORDS:
            value = True
        elif word in _FALSE_WORDS:
            value = False
        else:
            raise ConfigError(f"'offline' must be true or false, not {text!r}")
    elif key == "trusted_issuers":
        value = [item.strip() for item in text.split(",") if item.strip()]
    else:
        value = text.strip()
    return _validate_value(key, value)


def set_value(key: str, text: str, path: Path | None = None) -> Config:
    """Set ``key`` from user text, save atomically and return the new config.

    Only keys already in the file plus ``key`` are written, so the others keep following the defaults.
    """
    value = parse_value(key, text)
    path = path or paths.config_file()
    config = load_config(path)  # refuses to rewrite a file that is invalid as it stands
    setattr(config, key, value)
    _write_keys(config, _keys_in_file(path) | {key}, path)
    return config


def unset_value(key: str, path: Path | None = None) -> Config:
    """Remove ``key`` from the file so it follows the default again; return the new config."""
    if key not in KEY_DESCRIPTIONS:
        raise _unknown_key(key)
    path = path or paths.config_file()
    config = load_config(path)
    setattr(config, key, getattr(Config(), key))
    _write_keys(config, _keys_in_file(path) - {key}, path)
    return config


def keys_in_file(path: Path | None = None) -> set[str]:
    """The keys the config file sets explicitly (empty when there is no readable file)."""
    return _keys_in_file(path or paths.config_file())


def _keys_in_file(path: Path) -> set[str]:
    import tomllib

    try:
        return set(tomllib.loads(path.read_text("utf-8")))
    except (OSError, ValueError):
        return set()


def _write_keys(config: Config, keys: set[str], path: Path) -> None:
    values = {k: v for k, v in config.to_dict().items() if k in keys}
    save_config(config, path, only=values)


def get_value(config: Config, key: str) -> Any:
    """The value of ``key`` in ``config``; :class:`ConfigError` for an unknown key."""
    if key not in KEY_DESCRIPTIONS:
        raise _unknown_key(key)
    return getattr(config, key)


def save_config(config: Config, path: Path | None = None, only: dict[str, Any] | None = None) -> Path:
    """Write ``config`` (or just the ``only`` values) atomically with mode 0600, folders 0700; return the path."""
    import tomli_w

    path = path or paths.config_file()
    body = (
        "# skillwallet configuration: `skillwallet config show` lists the keys and what they accept.\n"
        + tomli_w.dumps(config.to_dict() if only is None else only)
    ).encode("utf-8")
    from skillwallet.store.fsutil import atomic_write

    atomic_write(path, body, step="config")
    return path


