"""The one exception tree of unspin.

::

    UnspinError                 every error unspin raises on purpose
    ├── InputError              the text or file the user gave cannot be used
    ├── ResourceError           shipped data or an optional extra is missing/broken
    ├── StoreError              a trace index is missing, foreign, too new or corrupt
    └── ConfigError             an option or configuration value is invalid

Every message says what to do next. The CLI prints ``str(error)`` on one line
and exits with code 2; the server maps each class to an HTTP status.
"""

from __future__ import annotations

__all__ = ["ConfigError", "InputError", "ResourceError", "StoreError", "UnspinError", "damaged", "missing_extra", "shipped_text"]


class UnspinError(Exception):
    """Base class of every error unspin raises on purpose."""


class InputError(UnspinError):
    """The input text or file cannot be used (missing, binary, not UTF-8, empty)."""


class ResourceError(UnspinError):
    """Shipped data or an optional dependency is missing or unreadable."""


class StoreError(UnspinError):
    """A trace index is missing, not an unspin index, incompatible or corrupt."""


class ConfigError(UnspinError):
    """An option or configuration value is invalid."""


def missing_extra(extra: str, module: str) -> ResourceError:
    """Error for an optional extra that is not installed."""
    return ResourceError(
        f"This needs the optional package {module!r}. Install it with: pip install 'unspin[{extra}]'"
    )


def shipped_text(name: str, rebuild: str) -> str:
    """The text of ``data/<name>`` shipped inside the package (gunzipped for a ``.gz`` name);
    a :class:`ResourceError` saying how to get it back (``rebuild``: the command that
    builds it) if it is missing or damaged."""
    import gzip
    import zlib
    from importlib import resources

    try:
        raw = (resources.files("unspin") / "data" / name).read_bytes()
        return (gzip.decompress(raw) if name.endswith(".gz") else raw).decode("utf-8")
    except (OSError, EOFError, zlib.error, UnicodeDecodeError) as exc:
        raise ResourceError(damaged(name, rebuild)) from exc


def damaged(name: str, rebuild: str) -> str:
    """The message for a shipped ``data/<name>`` that is missing or damaged."""
    return f"The shipped data/{name} is missing or damaged. Reinstall unspin, or rebuild it with: {rebuild}"
