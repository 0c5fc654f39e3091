"""Trusted side: each model structure rebuilt once per worker; later models of it only get weights.

Students of a course hand in a handful of architectures, each many times. What :func:`rebuild`
makes of a description depends on everything in it but the weights' values (graph, layers and
their settings, tensor names, shapes, dtypes, flags), and so does the size check on meta tensors.
A worker keeps, per structure, the rebuilt module on the meta device (its skeleton) and the size
check's answers; a description of a known structure is then a copy of the skeleton holding its
own weights. Descriptions are validated as before, and a structure that fails to rebuild is never
kept, so each such description fails again with its own message.

A structure is kept the second time it is rebuilt. Hidden tests draw some of their inputs at
random (a model built for an input size drawn from a range of hundreds), so many structures occur
once in a whole course; a worker that kept each of them held about 0.2 MB per submission more, up
to its capacity.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from dataclasses import dataclass

from torch import nn

from cnngrader.rebuild.build import rebuild
from cnngrader.rebuild.copies import fresh_copy, with_tensors
from cnngrader.rebuild.description import ModelDescription
from cnngrader.rebuild.verify import MAX_ELEMENTS, SizeCheck

CAPACITY = 256  # structures kept; a worker grades one assignment, with a few models each
SEEN = 4096  # structures rebuilt once, remembered by a digest of their key


@dataclass(frozen=True)
class _Skeleton:
    module: nn.Module  # rebuilt once, tensors on the meta device
    sizes: SizeCheck


def structure_key(description: ModelDescription) -> str:
    """Everything about a description but its weights' values, as text (``repr`` is exact for its values)."""
    return repr(description)  # weights are left out of the dataclass's repr


class Skeletons:
    """A worker's skeletons, least recently used first out (not thread-safe: one judge, one submission)."""

    def __init__(self, *, capacity: int = CAPACITY, max_elements: int = MAX_ELEMENTS) -> None:
        self._kept: OrderedDict[str, _Skeleton] = OrderedDict()
        self._seen: OrderedDict[bytes, None] = OrderedDict()  # rebuilt once, not kept (yet)
        self._capacity = capacity
        self._max_elements = max_elements

    def rebuild(self, description: ModelDescription) -> tuple[nn.Module, SizeCheck | None]:
        """The module :func:`rebuild` makes, and the size check shared by its structure.

        An untraceable description has no graph to run, so no size check (and little to rebuild).
        """
        if description.untraceable is not None:
            return rebuild(description), None
        key = structure_key(description)
        skeleton = self._kept.get(key)
        if skeleton is None:
            module = rebuild(description)  # a StudentError here leaves nothing behind
            built = self._skeleton(module, description.class_name)
            if self._second_time(key):
                self._keep(key, built)
            return module, built.sizes
        self._kept.move_to_end(key)
        module = with_tensors(skeleton.module, description.weights)
        if any(t.is_meta for t in [*module.parameters(), *module.buffers()]):
            raise AssertionError(f"a skeleton of {description.class_name} kept a tensor without weights")
        return module, skeleton.sizes

    def __len__(self) -> int:
        return len(self._kept)

    def _skeleton(self, module: nn.Module, name: str) -> _Skeleton:
        meta = fresh_copy(module, meta=True)
        return _Skeleton(meta, SizeCheck(meta, name=name, max_elements=self._max_elements))

    def _second_time(self, key: str) -> bool:
        """Whether ``key`` was rebuilt before; if not, it is remembered (the oldest forgotten)."""
        digest = hashlib.blake2b(key.encode(), digest_size=16).digest()
        if self._seen.pop(digest, False) is None:
            return True
        self._seen[digest] = None
        while len(self._seen) > SEEN:
            self._seen.popitem(last=False)
        return False

    def _keep(self, key: str, skeleton: _Skeleton) -> None:
        self._kept[key] = skeleton
        while len(self._kept) > self._capacity:
            self._kept.popitem(last=False)
