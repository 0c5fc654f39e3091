"""A library of student answers to lab6 and quiz6: right ones in many spellings, the typical
mistakes of the lecture (each labelled with the question it should cost and the words its
feedback should say), half-done, broken and hostile cells.

It feeds ``examples/make_sample_course.py`` (the sample course) and ``tests/corpus`` (every
variant graded with the real CLI).
"""

from students.catalog import VARIANTS, reference, select, variant
from students.variant import Expect, Kind, Variant

__all__ = ["VARIANTS", "Expect", "Kind", "Variant", "reference", "select", "variant"]
