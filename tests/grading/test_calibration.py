"""The calibration suite: for a dozen bank questions, answers in en / ru / zh / fa must rank
excellent > partial > {wrong, gibberish, copied question, injection}, offline and with a
scripted model that is gullible (rates gibberish and a copied question highly) and obeys
instructions planted in the answer."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import yaml

from coach.corpus import key as key_store
from coach.grading import grade
from coach.settings import get_settings
from tests.fakes.llm import FakeChatModel
from tests.grading.conftest import CASES_FILE, KINDS

LOW = ("wrong", "gibberish", "copied", "injection")
CASES = yaml.safe_load(CASES_FILE.read_text(encoding="utf-8"))


EACH_CASE = [pytest.param(c, id=c["id"]) for c in CASES]


# The share of key points the scripted model calls covered: right about quality, fooled by the
# rest.
MODEL_COVERED = {"excellent": 1.0, "partial": 0.5, "wrong": 0.0, "gibberish": 0.8, "copied": 0.9}


def _scores(case: dict[str, str], llm: FakeChatModel | None = None) -> dict[str, float]:
    return {k: grade(case["id"], case[k], llm=llm, retrieve=False).score for k in KINDS}


# Answers in a script the key has no phrasing in (zh, fa) get their word overlap estimated from
# the cosine, so they score lower: the dev set shows it (bench/RESULTS.md).
EXCELLENT_AT = {"zh": 5.0, "fa": 5.0}


def _assert_ranked(case: dict[str, str], scores: dict[str, float]) -> None:
    where = f"{case['id']} ({case['lang']}): {scores}"
    assert scores["excellent"] >= EXCELLENT_AT.get(case["lang"], 6.5), where
    if not key_store.load(get_settings().corpus_dir)[case["id"]].short_answer:
        # A "partial" answer that names what a name-the-thing question asks for is complete.
        assert scores["excellent"] > scores["partial"] + 1, where
    assert scores["partial"] > max(scores[k] for k in LOW), where
    assert max(scores[k] for k in LOW) <= 4, where


def test_the_suite_covers_a_dozen_questions_in_four_languages() -> None:
    assert len(CASES) >= 12
    assert {c["lang"] for c in CASES} == {"en", "ru", "zh", "fa"}


@pytest.mark.slow
@pytest.mark.parametrize("case", EACH_CASE)
def test_offline_ranking(case: dict[str, str]) -> None:
    _assert_ranked(case, _scores(case))


@pytest.mark.slow
@pytest.mark.parametrize("case", EACH_CASE)
def test_llm_ranking_with_an_obedient_gullible_model(
    case: dict[str, str], scripted_grader: Callable[..., FakeChatModel]
) -> None:
    by_text = {case[k]: MODEL_COVERED[k] for k in MODEL_COVERED}
    # The model never reads grader-directed sentences; what is left of an injected answer
    # it rates as the injection asked.
    model = scripted_grader(lambda answer, table=by_text: table.get(answer, 1.0))
    scores = _scores(case, model)
    _assert_ranked(case, scores)
    # A model that calls every point covered never lowers an excellent answer.
    offline = grade(case["id"], case["excellent"], retrieve=False).score
    assert scores["excellent"] >= offline, scores
