"""The names instructors embed in notebooks and hidden tests (docs/authoring.md) keep working."""

from __future__ import annotations

import importlib
import inspect

import pytest

PUBLISHED = {
    "cnngrader.course.incell": ["grade_question"],
    "cnngrader.course.students": ["graded_student", "ENV_VAR", "STATED_NAME"],
    "cnngrader.course.variants": [
        "VariantQuestion", "Variant", "variant_for", "VARIANT_FILE", "option_meaning",
    ],
    "cnngrader.testing": ["Submission", "NotAttempted", "StudentError", "StudentTimeout"],
    "cnngrader.answers": [
        "as_int", "as_shape", "as_letter", "as_letters", "as_tensor", "as_nested", "describe",
    ],
    "cnngrader.inspect": [
        "model_steps", "follow_model", "first_divergence", "total_parameters", "format_shape",
        "layer_table_text", "layer_table_html", "Step", "Followed", "KINDS",
        "canonical", "carried", "steps_from_words",
    ],
    "cnngrader.read.uses": ["names_used", "torch_names", "TORCH_CONVOLUTION", "TORCH_POOLING"],
    "cnngrader": ["Course", "Assignment", "Question", "Result", "CnngraderError", "__version__"],
}  # fmt: skip


@pytest.mark.parametrize("module", sorted(PUBLISHED))
def test_published_names_import(module: str) -> None:
    loaded = importlib.import_module(module)
    missing = [name for name in PUBLISHED[module] if not hasattr(loaded, name)]
    assert not missing, f"{module} lost {missing}"


def test_the_hidden_cell_call_keeps_its_signature() -> None:
    from cnngrader.course.incell import grade_question

    assert list(inspect.signature(grade_question).parameters) == ["assignment", "question", "namespace"]


def test_the_submission_keeps_its_methods() -> None:
    from cnngrader.testing import Submission

    for name, params in {
        "value": ["name"],
        "function": ["name"],
        "model": ["class_name", "args", "kwargs"],
        "uses": ["name"],
    }.items():
        assert list(inspect.signature(getattr(Submission, name)).parameters)[1:] == params


def test_the_variant_names_keep_their_meaning() -> None:
    from cnngrader.course.students import ENV_VAR, STATED_NAME, graded_student
    from cnngrader.course.variants import VARIANT_FILE, VariantQuestion

    assert (ENV_VAR, STATED_NAME, VARIANT_FILE) == ("CNNGRADER_STUDENT", "STUDENT_ID", "variant.py")
    assert next(iter(inspect.signature(graded_student).parameters)) == "stated"
    question = VariantQuestion("q1", "prompt", '"A"')
    assert question.to_dict() == {"id": "q1", "prompt": "prompt", "answer": '"A"'}


def test_the_fixtures_and_markers_are_registered(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest
        pytestmark = pytest.mark.question("q")

        @pytest.mark.points(1)
        def test_rng_and_seed(rng, seed):
            assert seed == 0 and rng.initial_seed() > 0

        @pytest.mark.points(1)
        def test_student(student):
            assert student is None  # outside a grading: the canonical variant

        @pytest.mark.points(1)
        def test_sub(sub):
            pass
        """
    )
    result = pytester.runpytest("-p", "cnngrader.judge.plugin", "--strict-markers", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=2, errors=1)  # sub exists, but outside a grading no submission is set
    result.stdout.fnmatch_lines(["*no submission is set for the hidden tests*"])
