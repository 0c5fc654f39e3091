"""Which cells a grade need not run: the course's demo cells, unchanged, whose names nothing later reads,
and its public checks, unchanged, which run after the hidden tests only where a question lost points."""

from __future__ import annotations

from cnngrader.read.demos import CHECK_WHY, WHY, CourseCells, _names, plan, skippable

PHOTO = "photo = load()\nshow(photo)"
FILTERED = "filtered = {k: conv(photo, v) for k, v in KERNELS.items()}\nshow(filtered)"
DEMOS = frozenset({PHOTO, FILTERED})


def test_unchanged_demo_cells_that_nothing_reads_are_skipped():
    cells = ["def conv(x, k):\n    return x", PHOTO, FILTERED, "answer = 3"]
    assert skippable(cells, DEMOS) == {1, 2}


def test_a_changed_demo_cell_runs():
    cells = ["def conv(x, k):\n    return x", PHOTO, FILTERED + "\nprint('mine')"]
    assert skippable(cells, DEMOS) == set(), "the photo cell runs too: the changed cell reads photo"


def test_a_later_cell_that_reads_a_demo_name_keeps_it_and_what_it_needs():
    cells = [PHOTO, FILTERED, "mine = filtered['blur'].sum()"]
    assert skippable(cells, DEMOS) == set()
    assert skippable([PHOTO, FILTERED, "mine = photo.sum()"], DEMOS) == {1}


def test_reading_happens_in_functions_too_but_not_for_names_bound_first():
    later_function = "def f():\n    return photo"
    assert skippable([PHOTO, later_function], DEMOS) == set()
    bound_first = "photo = 1\nprint(photo)\nfor filtered in range(2):\n    print(filtered)"
    assert skippable([PHOTO, FILTERED, bound_first], DEMOS) == {0, 1}
    parameter = "def g(photo, filtered):\n    return photo + filtered"
    assert skippable([PHOTO, FILTERED, parameter], DEMOS) == {0, 1}


def test_a_name_bound_only_in_a_branch_still_counts_as_read_later():
    maybe = "if flag:\n    photo = 1\nprint(photo)"
    assert skippable([PHOTO, maybe], DEMOS) == set()


def test_names_the_questions_define_keep_a_demo_cell():
    redefines = "def conv2d_single(x, k):\n    return x\nshow(1)"
    assert skippable([redefines], {redefines}, keep={"conv2d_single"}) == set()
    assert skippable([redefines], {redefines}) == {0}


def test_cells_that_do_not_parse_or_import_star_are_not_skipped_before_them():
    assert skippable([PHOTO, "def broken(:"], DEMOS) == set()
    star = "from torch import *"
    assert skippable([star], {star}) == set()
    assert skippable([PHOTO], frozenset()) == set()


def test_names_bound_and_read():
    names = _names("import torch.nn as tnn\nimport os.path\nx = [i for i in y]\nz += 1\n(w := 2)")
    assert names is not None
    assert {"tnn", "os", "x", "z", "w"} <= names.bound and "i" not in names.bound
    assert {"y", "z"} <= names.used and "i" not in names.used


ANSWER = "def conv(x, k):\n    return x"
CHECK = "assert conv(1, 2) == 1, 'conv should return x'\nresult = 'conv passes'"
QUESTIONS = {"conv": ("conv",), "other": ("other",)}


def test_unchanged_checks_of_questions_are_left_for_later_with_the_questions_they_read():
    course = CourseCells(demos=DEMOS, checks=frozenset({CHECK, "print('a check of nothing')"}))
    cells = [ANSWER, CHECK, PHOTO, "print('a check of nothing')", "other = 3"]
    left = plan(cells, course, QUESTIONS)
    assert left.demos == {2} and dict(left.checks) == {1: {"conv"}}, "a check that reads no question runs"
    assert left.skip() == {1: CHECK_WHY, 2: WHY}
    assert left.later(["other"]) == [] and left.later(iter(["other", "conv"])) == [1]
    assert left.shifted(1).later(["conv"]) == [2] and left.shifted(1).demos == {3}


def test_a_check_that_was_changed_or_whose_names_are_read_later_runs_in_order():
    course = CourseCells(checks=frozenset({CHECK}))
    assert not plan([ANSWER, CHECK + "\n# mine"], course, QUESTIONS).checks
    assert not plan([ANSWER, CHECK, "print(result)"], course, QUESTIONS).checks
    assert not plan(
        [ANSWER, CHECK.replace("result", "conv")],
        CourseCells(checks=frozenset({CHECK.replace("result", "conv")})),
        QUESTIONS,
    ).checks, "it binds a question's name"


def test_a_demo_cell_a_check_for_later_reads_still_runs():
    check = "assert conv(photo, 1) is photo"
    left = plan([ANSWER, PHOTO, check], CourseCells(demos=DEMOS, checks=frozenset({check})), QUESTIONS)
    assert left.demos == set() and set(left.checks) == {2}


def test_a_check_run_later_brings_the_earlier_checks_whose_names_it_reads():
    first = "steps = conv(1, 2)\nassert steps == 1"
    second = "assert steps == 1, 'still one step'\nprint(other)"
    course = CourseCells(checks=frozenset({first, second}))
    left = plan([ANSWER, first, "other = 3", second], course, QUESTIONS)
    assert set(left.checks) == {1, 3} and left.needs == {1: set(), 3: {1}}
    assert left.later(["other"]) == [1, 3] and left.later(["conv"]) == [1]
    assert left.shifted(2).later(["other"]) == [3, 5]
