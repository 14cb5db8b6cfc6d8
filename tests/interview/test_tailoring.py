"""Interviews tailored to a job description, offline: the skills it names, matched to the bank.

The two descriptions in tests/interview/data were written for these tests after the matching
was built, and were not tuned on.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from coach.corpus import bank as bank_store
from coach.corpus import glossary
from coach.interview.models import PlannedQuestion
from coach.interview.tailoring import NothingToAsk, tailor
from coach.sessions.recorded import RecordedInterviewer
from coach.settings import get_settings
from tests.interview.conftest import of_type

DATA = Path(__file__).parent / "data"


@pytest.mark.parametrize(
    "name, area",
    [
        ("jd_search.md", {"retrieval_rag"}),
        ("jd_inference_ru.txt", {"quantization_efficiency", "decoding_inference"}),
    ],
)
def test_a_description_about_one_area_gets_that_areas_questions(name: str, area: set) -> None:
    found = tailor((DATA / name).read_text(encoding="utf-8"), 3)
    bank = bank_store.load(get_settings().corpus_dir).by_id()
    topics = [bank[p.question_id].topic.value for p in found.plan]
    assert len(found.plan) == 3 and sum(t in area for t in topics) >= 2, topics
    terms = glossary.load(get_settings().corpus_dir)
    for planned in found.plan:
        # Each question names the skill that chose it, in the bank's words.
        question = bank[planned.question_id]
        named = {terms.terms[i].en[0] for i in terms.concepts(question.text)}
        assert planned.skill in named and planned.skill in found.skills


def test_fields_named_in_passing_never_lead() -> None:
    found = tailor("Machine learning engineer: LoRA fine-tuning of LLMs.", 3)
    assert found.plan[0].skill not in {"machine learning", "large language model"}


def test_a_skill_found_inside_a_longer_one_is_not_a_skill() -> None:
    found = tailor("We build retrieval-augmented generation.", 3)
    assert found.skills == ["retrieval-augmented generation"]


@pytest.mark.parametrize(
    "text, why",
    [
        ("Line cook: prepare sauces, bake bread, work weekend shifts.", "names no ML"),
        ("", "names no ML"),
        (
            "Experience with vector databases and hybrid search.",
            "no questions on .*: vector database",
        ),
    ],
)
def test_a_description_the_bank_cannot_serve_is_refused(text: str, why: str) -> None:
    with pytest.raises(NothingToAsk, match=why):
        tailor(text, 3)


def test_the_plan_is_asked_first_and_says_why(
    make_interview: Callable[..., RecordedInterviewer],
) -> None:
    plan = [
        PlannedQuestion(question_id="ru-quiz-147", skill="hnsw"),
        PlannedQuestion(question_id="ru-quiz-090", skill="kv cache"),
    ]
    interview = make_interview(questions=3, plan=plan)
    (first,) = of_type(interview.start(), "question")
    assert (first.question_id, first.skill) == ("ru-quiz-147", "hnsw")
    (second,) = of_type(interview.respond("skip"), "question")
    assert (second.question_id, second.skill) == ("ru-quiz-090", "kv cache")
    (third,) = of_type(interview.respond("skip"), "question")
    assert third.skill is None  # the plan is spent: the usual selection takes over


@pytest.mark.parametrize(
    "text, skills",
    [
        (
            "招聘大模型工程师：熟悉位置编码、注意力机制和模型量化。",
            {"positional encoding", "quantization"},
        ),
        (
            "مهندس یادگیری ماشین با تجربه در کوانتیزه‌سازی مدل و تقطیر دانش",
            {"quantization", "knowledge distillation"},
        ),
    ],
    ids=["zh", "fa"],
)
def test_a_description_in_another_language_finds_its_skills(text: str, skills: set) -> None:
    found = tailor(text, 4)
    assert skills <= {p.skill for p in found.plan}, found
