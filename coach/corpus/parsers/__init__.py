"""One parser per source document format; `PARSERS` maps a source file to its parser."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from coach.corpus.models import Passage, Question
from coach.corpus.parsers import genai_bilingual, lecture, nlp100, ru_quiz, vlm_quiz

QuestionParser = Callable[[Path], list[Question]]

QUESTION_PARSERS: dict[str, QuestionParser] = {
    "ru_llm_quiz_questions.md": ru_quiz.parse,
    "ru_100_nlp_interview_questions.md": nlp100.parse,
    "en_zh_genai_interview_questions.md": genai_bilingual.parse,
    "fa_vlm_course_quizzes.md": vlm_quiz.parse,
}
PASSAGE_PARSERS: dict[str, Callable[[Path], list[Passage]]] = {
    "ru_generative_nlp_lecture.md": lecture.parse,
}
