"""A fitted ensemble of small regression trees, stored as plain data and evaluated with Python.

The score adjustment (calibration.py) is gradient-boosted trees fitted by
`python bench/grading_dev.py --fit` (scikit-learn's HistGradientBoostingRegressor on the dev
set's train split). Only the fitted trees ship, as JSON beside this module: no pickle, so
grading does not depend on the scikit-learn version that fitted them, and the numbers can be
read and diffed like any other calibration.
"""

from __future__ import annotations

import json
import math
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel

from coach.errors import CoachError

DATA_DIR = Path(__file__).parent / "data"


class Node(BaseModel):
    """A split (feature <= threshold goes left; a NaN, an unknown value, goes where the fit
    sent its missing values) or, with `leaf`, a value to add."""

    feature: int = -1
    threshold: float = 0.0
    missing_left: bool = False
    left: int = 0
    right: int = 0
    value: float = 0.0
    leaf: bool = False


class TreeEnsemble(BaseModel):
    features: list[str]  # input names, in order
    baseline: float
    trees: list[list[Node]]  # node 0 is each tree's root
    monotone: dict[str, int] = {}  # fit-time constraints, kept for the reader
    fitted_on: str = ""

    def predict(self, x: list[float]) -> float:
        if len(x) != len(self.features):
            raise ValueError(f"expected {len(self.features)} features, got {len(x)}")
        return self.baseline + sum(_leaf(tree, x) for tree in self.trees)


def _leaf(tree: list[Node], x: list[float]) -> float:
    node = tree[0]
    while not node.leaf:
        value = x[node.feature]
        left = node.missing_left if math.isnan(value) else value <= node.threshold
        node = tree[node.left if left else node.right]
    return node.value


@lru_cache(maxsize=4)
def load(name: str, features: tuple[str, ...]) -> TreeEnsemble:
    """The ensemble `name` (a JSON file in data/), checked against the inputs it will get."""
    path = DATA_DIR / f"{name}.json"
    try:
        model = TreeEnsemble.model_validate(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError) as exc:
        raise CoachError(f"score model {path} cannot be read: {exc}") from exc
    if tuple(model.features) != features:
        raise CoachError(
            f"score model {path} was fitted on features {model.features}, not {list(features)}"
        )
    return model
