"""How a step reads: its hyperparameters in words, defaults left out (``3->2 kernel 3 padding 1``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def settings_text(op: str, hyper: Mapping[str, Any]) -> str:
    """The hyperparameters of a step in words (defaults left out, except conv padding)."""
    if op in ("conv", "conv transpose"):
        return _conv_text(hyper)
    if op == "linear":
        return f"{hyper['in']}->{hyper['out']}" + ("" if hyper["bias"] else " no bias")
    if op in ("max pool", "avg pool"):
        return _pool_text(hyper)
    if op in ("adaptive avg pool", "adaptive max pool"):
        return f"to {size_text(hyper['output'])}"
    if op == "batch norm":
        return str(hyper["features"])
    if op == "dropout":
        return f"p={hyper['p']:g}"
    if op == "reshape":
        return f"to {size_text(hyper['to'])}"
    if op == "pad":
        mode = "" if hyper.get("mode") == "constant" else f" {hyper.get('mode')}"
        value = "" if hyper.get("value") in (0, 0.0, None) else f" with {hyper['value']:g}"
        return f"{size_text(hyper.get('pad'))}{mode}{value}"
    if op == "leaky relu" and hyper.get("slope") == 0.01:
        return ""
    if op == "elu" and hyper.get("alpha") == 1.0:
        return ""
    return " ".join(f"{k} {size_text(v)}" for k, v in hyper.items())


def _conv_text(h: Mapping[str, Any]) -> str:
    words = [f"{h['in']}->{h['out']}", f"kernel {size_text(h['kernel'])}"]
    if any(s != 1 for s in h["stride"]):
        words.append(f"stride {size_text(h['stride'])}")
    words.append(f"padding {size_text(h['padding'])}")
    if any(d != 1 for d in h["dilation"]):
        words.append(f"dilation {size_text(h['dilation'])}")
    if h["groups"] != 1:
        words.append(f"groups {h['groups']}")
    if not h["bias"]:
        words.append("no bias")
    if h["padding_mode"] != "zeros":
        words.append(f"{h['padding_mode']} padding")
    return " ".join(words)


def _pool_text(h: Mapping[str, Any]) -> str:
    words = [size_text(h["kernel"])]
    if h["stride"] != h["kernel"]:
        words.append(f"stride {size_text(h['stride'])}")
    if any(p != 0 for p in h["padding"]):
        words.append(f"padding {size_text(h['padding'])}")
    if any(d != 1 for d in h.get("dilation", ())):
        words.append(f"dilation {size_text(h['dilation'])}")
    if h["ceil_mode"]:
        words.append("ceil mode")
    if h.get("count_include_pad") is False:
        words.append("padding not counted")
    if h.get("divisor") is not None:
        words.append(f"divisor {h['divisor']}")
    return " ".join(words)


def size_text(value: Any) -> str:
    """``(3, 3)`` as ``3``, ``(3, 5)`` as ``3x5``; anything else as it prints."""
    if isinstance(value, (tuple, list)) and value and all(isinstance(v, int) for v in value):
        return str(value[0]) if len(set(value)) == 1 else "x".join(str(v) for v in value)
    return str(value)
