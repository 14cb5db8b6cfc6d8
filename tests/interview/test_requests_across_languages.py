"""“Ask me about X” in Russian, Chinese and Persian, for an X the topic list does not name:
the phrase goes through the same cross-lingual search, and the next question is about it."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from coach.corpus import key as key_store
from coach.sessions.recorded import RecordedInterviewer
from coach.settings import get_settings
from tests.interview.conftest import of_type


@pytest.mark.parametrize(
    "request_text, concept",
    [
        ("задай вопрос про конвейерный параллелизм", "parallelism"),
        ("问我关于位置编码的问题", "positional"),
        ("درباره کوانتیزه‌سازی مدل بپرس", "quantization"),
    ],
    ids=["ru", "zh", "fa"],
)
def test_the_next_question_is_about_the_requested_concept(
    make_interview: Callable[..., RecordedInterviewer], request_text: str, concept: str
) -> None:
    interview = make_interview(follow_ups=0)
    list(interview.start())
    (asked,) = of_type(interview.respond(request_text), "question")
    english = key_store.load(get_settings().corpus_dir)[asked.question_id].text_en
    assert concept in english.lower(), english
