"""Each source parser on the real documents, and on malformed input."""

from __future__ import annotations

from pathlib import Path

import pytest

from coach.corpus.models import Kind, Topic
from coach.corpus.parsers import genai_bilingual, lecture, nlp100, ru_quiz, vlm_quiz
from coach.errors import CorpusError
from coach.settings import get_settings

SOURCES = get_settings().sources_dir


def test_ru_quiz_has_222_questions_with_stable_ids() -> None:
    questions = ru_quiz.parse(SOURCES / "ru_llm_quiz_questions.md")
    assert len(questions) == 222
    assert questions[0].id == "ru-quiz-001" and questions[-1].id == "ru-quiz-222"
    assert questions[0].kind is Kind.NUMERIC and "Momentum" in questions[0].text
    # One question in the document lacks the bold `**Вопрос:**` marker.
    vlm = next(q for q in questions if q.section == "Structure of a Typical Vision-Language Model")
    assert vlm.text.startswith("Какова основная цель")


def test_nlp100_has_104_numbered_and_5_analyse_questions() -> None:
    questions = nlp100.parse(SOURCES / "ru_100_nlp_interview_questions.md")
    ids = [q.id for q in questions]
    assert len(questions) == 109
    assert {f"ru-nlp100-q{n}" for n in range(1, 105)} <= set(ids)
    assert {f"ru-nlp100-a{n}" for n in range(1, 6)} <= set(ids)
    assert len(set(ids)) == 109
    assert 45 <= sum(1 for q in questions if q.answer) <= 55


def test_nlp100_answer_keeps_code_and_drops_images() -> None:
    by_id = {q.id: q for q in nlp100.parse(SOURCES / "ru_100_nlp_interview_questions.md")}
    tfidf = by_id["ru-nlp100-q1"].answer or ""
    assert tfidf.startswith("```python")
    assert "def create_counts(texts: List):" in tfidf
    assert "    sentences = []" in tfidf  # indentation inside the code block survives
    rnn = by_id["ru-nlp100-q25"].answer or ""
    assert "![" not in rnn and "Кол-о весов" in rnn
    quant = by_id["ru-nlp100-q102"]
    assert any("habr.com" in link for link in quant.links)
    assert "habr.com" not in quant.text


def test_nlp100_sections_and_topics() -> None:
    by_id = {q.id: q for q in nlp100.parse(SOURCES / "ru_100_nlp_interview_questions.md")}
    assert by_id["ru-nlp100-q13"].section == "CLASSIC NLP / METRICS"
    assert by_id["ru-nlp100-q13"].topic is Topic.METRICS
    assert by_id["ru-nlp100-q59"].topic is Topic.POSITIONAL
    assert "синтетические данные" in by_id["ru-nlp100-a3"].text  # continuation line joined


def test_bilingual_file_keeps_chinese_twins() -> None:
    questions = genai_bilingual.parse(SOURCES / "en_zh_genai_interview_questions.md")
    assert len(questions) == 57
    first = questions[0]
    assert first.lang == "en" and first.text.startswith("What is the difference between generative")
    assert first.text_zh == "生成模型和判别模型有什么区别？"
    assert all(q.text_zh for q in questions)


def test_persian_quiz_has_27_questions_with_four_options() -> None:
    questions = vlm_quiz.parse(SOURCES / "fa_vlm_course_quizzes.md")
    assert len(questions) == 27
    assert all(q.kind is Kind.MULTIPLE_CHOICE and len(q.options) == 4 for q in questions)
    first = questions[0]
    assert first.id == "fa-vlm-q1-1" and first.lang == "fa"
    assert "CLIP" in first.text and first.options == ["128", "256", "512", "1024"]
    # Question 5 of quiz 1 is followed by a stray empty bullet, which is not a fifth option.
    assert len(next(q for q in questions if q.id == "fa-vlm-q1-5").options) == 4


def test_lecture_yields_passages_with_headings() -> None:
    passages = lecture.parse(SOURCES / "ru_generative_nlp_lecture.md")
    assert len(passages) >= 20
    assert all(p.text and p.heading and p.section for p in passages)
    kv = [p for p in passages if "KV Cache" in p.text]
    assert kv and any("def generate_with_cache" in p.text for p in kv)
    sections = {p.section for p in passages}
    assert {"III. Архитектурные основы", "V. Технические детали обучения"} <= sections


def test_malformed_quiz_names_file_and_line(tmp_path: Path) -> None:
    broken = tmp_path / "ru_llm_quiz_questions.md"
    broken.write_text("### Вопрос: A\n**Вопрос:** текст?\n\n### Вопрос: B\n\n### Вопрос: C\n")
    with pytest.raises(CorpusError) as info:
        ru_quiz.parse(broken)
    assert "ru_llm_quiz_questions.md:4" in str(info.value)


def test_mcq_with_missing_option_is_rejected(tmp_path: Path) -> None:
    broken = tmp_path / "fa.md"
    broken.write_text("## کوئیز 1\n### سوال 1\n**متن؟**\n* a\n* b\n* c\n", encoding="utf-8")
    with pytest.raises(CorpusError, match=r"fa.md:2: expected 4 options, found 3"):
        vlm_quiz.parse(broken)


def test_non_utf8_source_is_a_corpus_error(tmp_path: Path) -> None:
    broken = tmp_path / "bad.md"
    broken.write_bytes("### Вопрос: A\n".encode() + b"\xff\xfe\n")
    with pytest.raises(CorpusError, match=r"bad.md:2: not valid UTF-8"):
        ru_quiz.parse(broken)


def test_bilingual_question_without_twin_is_rejected(tmp_path: Path) -> None:
    broken = tmp_path / "en.md"
    broken.write_text("## Section (节)\n\n1. Question one?\n\n2. Question two?\n第二\n")
    with pytest.raises(CorpusError, match="missing Chinese twin"):
        genai_bilingual.parse(broken)
