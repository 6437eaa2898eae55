from __future__ import annotations

import unspin


def test_all_is_exact_and_sorted() -> None:
    assert unspin.__all__ == sorted(unspin.__all__)
    assert set(unspin.__all__) == {
        "Comparison", "ConfigError", "Doc", "GoldEdit", "InputError", "Report", "ResourceError", "Restoration",
        "Span", "SpinResult", "StoreError", "Token", "UnspinError", "__version__", "check",
        "compare", "restore", "spin", "tokenize",
    }
    for name in unspin.__all__:
        assert hasattr(unspin, name)
