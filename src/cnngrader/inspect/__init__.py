"""What a model computes, step by step: trace it, compare it with a reference, show it as a table."""

from cnngrader.inspect.compare import first_divergence
from cnngrader.inspect.steps import (
    KINDS,
    Followed,
    Step,
    follow_model,
    format_shape,
    model_steps,
    total_parameters,
)
from cnngrader.inspect.table import layer_table_html, layer_table_text

__all__ = [
    "KINDS",
    "Followed",
    "Step",
    "first_divergence",
    "follow_model",
    "format_shape",
    "layer_table_html",
    "layer_table_text",
    "model_steps",
    "total_parameters",
]
