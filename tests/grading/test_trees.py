"""The score adjustment's trees: plain data evaluated in Python, checked against their inputs."""

from __future__ import annotations

import math

import pytest

from coach.errors import CoachError
from coach.grading import trees
from coach.grading.calibration import CALIBRATION
from coach.grading.signals import Signals
from coach.grading.trees import Node, TreeEnsemble

STUMP = [
    Node(feature=0, threshold=0.5, left=1, right=2, missing_left=True),
    Node(value=-1.0, leaf=True),
    Node(value=2.0, leaf=True),
]


def test_a_stump_adds_its_leaf_to_the_baseline() -> None:
    model = TreeEnsemble(features=["a", "b"], baseline=0.5, trees=[STUMP, STUMP])
    assert model.predict([0.2, 9.0]) == pytest.approx(-1.5)
    assert model.predict([0.9, 9.0]) == pytest.approx(4.5)


def test_an_unknown_value_takes_the_fitted_missing_branch() -> None:
    model = TreeEnsemble(features=["a", "b"], baseline=0.0, trees=[STUMP])
    assert model.predict([math.nan, 0.0]) == -1.0


def test_a_wrong_number_of_inputs_is_refused() -> None:
    with pytest.raises(ValueError, match="expected 2 features"):
        TreeEnsemble(features=["a", "b"], baseline=0.0, trees=[STUMP]).predict([1.0])


def test_the_shipped_model_matches_the_signals_and_stays_bounded() -> None:
    assert CALIBRATION.adjust_model
    model = trees.load(CALIBRATION.adjust_model, tuple(Signals.model_fields))
    assert len(model.trees) >= 10 and model.monotone["lex"] == 1
    low = Signals(**dict.fromkeys(Signals.model_fields, 0.0))
    assert abs(CALIBRATION.adjustment(low)) <= CALIBRATION.max_adjust


def test_a_model_fitted_on_other_features_is_refused() -> None:
    with pytest.raises(CoachError, match="fitted on features"):
        trees.load(CALIBRATION.adjust_model or "", ("sem", "lex"))


@pytest.mark.parametrize("name", ["lex", "sem", "support", "misconception_lean", "margin"])
def test_each_constrained_signal_moves_the_adjustment_one_way(name: str) -> None:
    """The fit holds these to a direction: the key's words, close sentences and words the key
    uses never lower the adjustment; leaning towards a misconception never raises it."""
    model = trees.load(CALIBRATION.adjust_model or "", tuple(Signals.model_fields))
    base = dict.fromkeys(Signals.model_fields, 0.5) | {"log_words": 3.0, "sentences": 3.0}
    grid = (-0.1, 0.0, 0.05, 0.3, 0.6, 0.85, 0.95, 1.0)
    values = [CALIBRATION.adjustment(Signals(**base | {name: v})) for v in grid]
    assert model.monotone[name] in (1, -1)
    assert values == sorted(values, reverse=model.monotone[name] < 0), values
