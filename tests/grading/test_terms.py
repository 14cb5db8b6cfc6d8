"""Domain terms for feedback: the field's words, never grammar words or fragments."""

from coach.grading import grade
from coach.grading.models import Verdict
from coach.grading.terms import domain_terms, question_vocabulary
from coach.settings import get_settings

POINTS = [
    "Self-attention has no built-in notion of order, so position must be injected.",
    "Relative encodings make attention depend on the distance, which gives better length "
    "extrapolation; RoPE rotates Q and K, and GQA shares K/V heads.",
    "Кэш ключей и значений хранит K и V прошлых токенов.",
]


def test_domain_terms_keep_the_fields_words_and_drop_grammar() -> None:
    terms = domain_terms(POINTS, question_vocabulary(get_settings().corpus_dir))
    for term in ("Self-attention", "encodings", "attention", "RoPE", "GQA", "токенов"):
        assert term in terms, terms
    for word in ("built-in", "built", "notion", "gives", "better", "depend", "хранит"):
        assert word not in terms, terms


def test_feedback_terms_are_domain_terms() -> None:
    result = grade("en-genai-016", "Positions matter.", retrieve=False)
    assert "Self-attention" in result.insights.terms_missed
    assert not {"built", "notion", "so", "must"} & set(result.insights.terms_missed)


def test_an_answer_about_something_else_is_off_topic_and_names_the_question() -> None:
    answer = "Adam is an optimizer with momentum and adaptive learning rates per parameter."
    result = grade("en-genai-016", answer, retrieve=False)
    assert result.verdict is Verdict.OFF_TOPIC and result.score < 3
    assert "relative positional information" in result.feedback
