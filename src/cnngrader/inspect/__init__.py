"""What a model computes, step by step: trace it, compare it with a reference, show it as a table."""

from cnngrader.inspect.compare import first_divergence
from cnngrader.inspect.equivalence import canonical
from cnngrader.inspect.layers import carried, steps_from_words
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
    "canonical",
    "carried",
    "first_divergence",
    "follow_model",
    "format_shape",
    "layer_table_html",
    "layer_table_text",
    "model_steps",
    "steps_from_words",
    "total_parameters",
]
