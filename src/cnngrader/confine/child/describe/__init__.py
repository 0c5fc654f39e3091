"""Stage 3, child side: the student's values and models as data (JSON + safetensors).

Runs inside the confined child; nothing here is trusted by the grader, which validates all of
it in :mod:`cnngrader.rebuild`.
"""

from cnngrader.confine.child.describe.graph import DescribeError
from cnngrader.confine.child.describe.model import describe_model
from cnngrader.confine.child.describe.tracer import LayerTracer, trace
from cnngrader.confine.child.describe.values import Unsendable, to_plain

__all__ = ["DescribeError", "LayerTracer", "Unsendable", "describe_model", "to_plain", "trace"]
