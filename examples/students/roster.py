"""The synthetic students of the sample course, and what each handed in.

A notebook lists the variants that differ from the reference answer of their question; every
other question gets the reference (the first right variant of the library).
"""

from __future__ import annotations

from dataclasses import dataclass

from students.catalog import reference, variant
from students.course import assignment as contract_assignment
from students.variant import Variant


@dataclass(frozen=True)
class Handin:
    """What one student handed in for one assignment."""

    assignment: str
    answers: tuple[str, ...] = ()  # variant keys, at most one per question
    unreadable: bool = False

    def variants(self) -> dict[str, Variant]:
        """Question id -> the variant in this notebook, for every question of the assignment."""
        chosen = {}
        for key in self.answers:
            v = variant(key)
            if v.assignment != self.assignment or v.question in chosen:
                raise ValueError(f"{key!r} does not fit a {self.assignment} hand-in (or repeats a question)")
            chosen[v.question] = v
        return {
            q.id: chosen.get(q.id) or reference(q.id) for q in contract_assignment(self.assignment).questions
        }


@dataclass(frozen=True)
class Student:
    name: str
    about: str
    handins: tuple[Handin, ...]


def lab(*keys: str) -> Handin:
    return Handin("lab6", keys)


def quiz(*keys: str) -> Handin:
    return Handin("quiz6", keys)


STUDENTS: tuple[Student, ...] = (
    Student("ada", "all right, the lecture's own spelling", (lab(), quiz())),
    Student(
        "alan",
        "functional style (F.relu, F.max_pool2d, torch.flatten), also in the by-hand pooling, against "
        "the notebook's rule; loose quiz formats",
        (
            lab(
                "conv_output_size/math_floor",
                "conv2d_single/f_unfold_matmul",
                "max_pool2d_single/calls_f_max_pool2d",
                "param_counts/real_layers_on_meta",
                "cnn/attributes_functional",
                "fcnn_vs_convnet/functional_forward",
                "linear_in_features/measured_with_torch",
                "budget_cnn/functional_forward",
            ),
            quiz(
                "q1/parenthesised",
                "q2/list_lower",
                "q3/float",
                "q4/list",
                "q5/float",
                "q6/list",
                "q7/list",
                "q8/tensor",
                "q9/float",
                "q10/parenthesised",
            ),
        ),
    ),
    Student(
        "grace",
        "all right, containers (ModuleList loops, tensor.unfold), numpy and torch types in the quiz",
        (
            lab(
                "conv_output_size/count_positions",
                "conv2d_single/tensor_unfold_einsum",
                "max_pool2d_single/tensor_unfold",
                "param_counts/math_prod_and_int_bias",
                "cnn/module_list_loop",
                "fcnn_vs_convnet/built_in_loops",
                "linear_in_features/arithmetic",
                "budget_cnn/module_list_leaky",
            ),
            quiz(
                "q1/padded",
                "q2/string",
                "q3/numpy_int",
                "q4/torch_size",
                "q5/kernel_half",
                "q6/torch_size",
                "q7/measured",
                "q8/numpy_array",
                "q9/numpy_int",
                "q10/padded",
            ),
        ),
    ),
    Student(
        "barbara",
        "all right, classes that subclass nn.Sequential, quiz answers computed with torch",
        (
            lab(
                "conv_output_size/len_of_range",
                "conv2d_single/numpy_loops",
                "max_pool2d_single/reshape_amax",
                "param_counts/weights_then_bias",
                "cnn/subclass_sequential",
                "fcnn_vs_convnet/subclass_sequential",
                "linear_in_features/float",
                "budget_cnn/avgpool_tanh_strided",
            ),
            quiz(
                "q1/single_quotes_lower_padded",
                "q2/frozenset",
                "q3/measured",
                "q4/measured",
                "q5/formula",
                "q6/measured",
                "q8/measured",
                "q9/arithmetic",
            ),
        ),
    ),
    Student(
        "edsger",
        "all right: 'same' padding, x.relu(), view, batch norm and dropout",
        (
            lab(
                "conv_output_size/divmod",
                "conv2d_single/loops_manual_zero_pad",
                "max_pool2d_single/comprehension_of_items",
                "cnn/same_padding_view",
                "fcnn_vs_convnet/flat_sequential",
                "linear_in_features/numpy_int",
                "budget_cnn/batchnorm_dropout",
            ),
            quiz("q2/tuple", "q3/arithmetic", "q5/numpy_int", "q8/float_tensor", "q9/arithmetic"),
        ),
    ),
    Student(
        "frances",
        "all right (a cell that fails after defining CNN); never handed in quiz6",
        (
            lab(
                "conv_output_size/ask_pytorch",
                "conv2d_single/tensor_unfold_einsum",
                "max_pool2d_single/tensor_unfold",
                "cnn/error_after_definition",
                "budget_cnn/just_under_budget",
            ),
        ),
    ),
    Student(
        "geoffrey",
        "all right: tuples everywhere, reshape(len(x), -1), OrderedDict",
        (
            lab("conv_output_size/int_of_true_division", "conv2d_single/comprehension", "cnn/tuples_reshape"),
            quiz("q2/padded_string", "q4/tensor", "q8/numpy_array"),
        ),
    ),
    Student(
        "hedy",
        "never handed in lab6; quiz6 all right, letters in brackets as the options print them",
        (quiz("q1/parenthesised", "q2/parenthesised", "q6/numpy_array", "q10/parenthesised"),),
    ),
    Student(
        "kunihiko",
        "all right in other words: ReLU after the pooling, ceil_mode, adaptive pooling and clamp, "
        "a spare layer, F.pad",
        (
            lab(
                "cnn/adaptive_max_pool_and_clamp",
                "fcnn_vs_convnet/spare_layer_and_clamp",
                "budget_cnn/pool_before_relu",
            ),
            quiz("q4/tensor"),
        ),
    ),
    Student(
        "jurgen",
        "conv2d_single hands the work to torch's conv2d under another name, against the notebook's "
        "rule; the CNN's pooling before its ReLU",
        (lab("conv2d_single/aliased_import", "cnn/pool_before_relu"),),
    ),
    Student(
        "linus",
        "forgot the padding in CNN; q5 answered 51 // 2 + 1",
        (
            lab("cnn/missing_padding"),
            quiz("q5/half_plus_one"),
        ),
    ),
    Student(
        "margaret",
        "AvgPool for MaxPool, a flipped kernel; an extra letter in q2",
        (
            lab("cnn/avg_pool", "conv2d_single/flipped_kernel"),
            quiz("q2/extra_letter"),
        ),
    ),
    Student(
        "donald",
        "off by one in conv_output_size, biases forgotten (lab and quiz)",
        (
            lab("conv_output_size/forgot_plus_one", "param_counts/bias_forgotten"),
            quiz("q3/bias_forgotten", "q9/bias_forgotten"),
        ),
    ),
    Student(
        "katherine",
        "BudgetCNN over 50,000 parameters, linear_in_features 1152; q1 wrong",
        (
            lab("budget_cnn/over_budget", "linear_in_features/value_1152"),
            quiz("q1/letter_a"),
        ),
    ),
    Student(
        "dennis",
        "an extra ReLU in FCNN, BudgetCNN ignores num_classes; two shapes wrong",
        (
            lab("fcnn_vs_convnet/fcnn_extra_relu", "budget_cnn/ignores_num_classes"),
            quiz("q4/off_by_one", "q6/stride_ignored"),
        ),
    ),
    Student(
        "ken",
        "conv2d_single ignores stride, average instead of max pooling; q7 swapped",
        (
            lab("conv2d_single/ignores_stride", "max_pool2d_single/average_pool"),
            quiz("q7/in_out_swapped"),
        ),
    ),
    Student(
        "radia",
        "a missing ReLU, ignored padding, a BudgetCNN without pooling; q8 and q10 wrong",
        (
            lab("cnn/missing_relu", "conv2d_single/ignores_padding", "budget_cnn/no_pooling"),
            quiz("q8/transposed", "q10/channels_last"),
        ),
    ),
    Student(
        "john",
        "Linear(5000, 1) in CNN, ConvNet ignores input_channels; q2 with an extra letter",
        (
            lab("cnn/linear_in_features_wrong", "fcnn_vs_convnet/convnet_ignores_input_channels"),
            quiz("q2/string_extra_letter"),
        ),
    ),
    Student(
        "tim",
        "overlapping pooling windows, a tuple kernel_size unhandled, a ReLU after the output",
        (
            lab("max_pool2d_single/stride_one", "param_counts/kernel_tuple_ignored", "cnn/extra_relu"),
            quiz("q6/plus_one_forgotten"),
        ),
    ),
    Student(
        "yann",
        "the CNN without pooling, linear_in_features 5000; q9 counts the whole network",
        (
            lab("cnn/no_pooling", "linear_in_features/value_5000"),
            quiz("q9/whole_network"),
        ),
    ),
    Student(
        "sophie",
        "half-finished: stubs left in lab6 and in the second half of the quiz",
        (
            lab("param_counts/linear_stub_left", "cnn/stub", "fcnn_vs_convnet/stub", "budget_cnn/stub"),
            quiz("q6/stub", "q7/stub", "q8/stub", "q9/stub", "q10/stub"),
        ),
    ),
    Student(
        "claude",
        "lab6.ipynb is not a notebook (cut off mid-save); quiz6 all right",
        (
            Handin("lab6", unreadable=True),
            quiz(),
        ),
    ),
    Student(
        "guido",
        "broken cells: a SyntaxError and a NameError in each assignment",
        (
            lab("cnn/syntax_error", "conv2d_single/name_error"),
            quiz("q3/syntax_error", "q4/name_error"),
        ),
    ),
    Student(
        "mallory",
        "hostile: fakes the parameter count, prints a perfect result and exits",
        (
            lab("cnn/fake_parameter_count", "budget_cnn/fake_json_and_exit"),
            quiz("q3/always_equal_int", "q10/fake_json_and_exit"),
        ),
    ),
)
