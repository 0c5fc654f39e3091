"""Stage 3, child side: the student's values and models as data (JSON + safetensors).

Runs inside the confined child; nothing here is trusted by the grader, which validates all of
it in :mod:`cnngrader.rebuild`.
"""

from cnngrader.describe.graph import DescribeError
from cnngrader.describe.model import describe_model
from cnngrader.describe.tracer import LayerTracer, trace
from cnngrader.describe.values import Unsendable, to_plain

__all__ = ["DescribeError", "LayerTracer", "Unsendable", "describe_model", "to_plain", "trace"]
