"""How a torch function is named in a model description: the child writes it, the judge reads it.

``torch.nn.functional.relu``, ``torch.flatten``, ``operator.add``: the public name a student would
write, so that the trusted side's whitelist (``rebuild.whitelist``) is keyed by the same names.
"""

from __future__ import annotations

from typing import Any

# Where torch's C functions are documented, so that names read as a student would write them.
PUBLIC_PREFIXES = (
    ("_operator.", "operator."),
    ("torch._C._nn.", "torch.nn.functional."),
    ("torch._C._special.special_", "torch.special."),
    ("torch._C._linalg.linalg_", "torch.linalg."),
    ("torch._C._fft.fft_", "torch.fft."),
)


def function_name(fn: Any) -> str:
    """``torch.nn.functional.relu``, ``torch.flatten``, ``operator.add``, ``len``..."""
    from torch.fx.node import _get_qualified_name

    try:
        name = _get_qualified_name(fn)
    except Exception:
        name = f"{getattr(fn, '__module__', '?')}.{getattr(fn, '__qualname__', repr(fn))}"
    for private, public in PUBLIC_PREFIXES:
        if name.startswith(private):
            return public + name.removeprefix(private)
    return name
