"""unspin: find machine-spun English text, show which phrases were spun, restore the original.

Example:
    >>> import unspin
    >>> report = unspin.check("The regulation enforcement officers got here yesterday.")
    >>> report.verdict in {"spun", "clean", "uncertain"}
    True
"""

from .api import Report, Restoration, check, restore, spin
from .compare import Comparison, compare
from .doc import Doc, Span, Token
from .errors import ConfigError, InputError, ResourceError, StoreError, UnspinError
from .spin import GoldEdit, SpinResult
from .tokenize import tokenize

__version__ = "0.1.0"

__all__ = [
    "Comparison",
    "ConfigError",
    "Doc",
    "GoldEdit",
    "InputError",
    "Report",
    "ResourceError",
    "Restoration",
    "Span",
    "SpinResult",
    "StoreError",
    "Token",
    "UnspinError",
    "__version__",
    "check",
    "compare",
    "restore",
    "spin",
    "tokenize",
]
