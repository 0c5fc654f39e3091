"""Stage 4, trusted side: a model description back to a torch module, from a whitelist only.

Never runs student code: the child's description is validated
(:class:`~cnngrader.rebuild.description.ModelDescription`), rebuilt from whitelisted torch layers
and functions (:func:`rebuild`), and must reproduce the child's own outputs on fresh random
inputs (:class:`ReproductionCheck`). A model is rebuilt once; each hidden test gets a
:func:`fresh_copy` of it.
"""

from cnngrader.rebuild.build import rebuild
from cnngrader.rebuild.copies import fresh_copy
from cnngrader.rebuild.description import DescriptionError, ModelDescription
from cnngrader.rebuild.verify import ReproductionCheck

__all__ = ["DescriptionError", "ModelDescription", "ReproductionCheck", "fresh_copy", "rebuild"]
