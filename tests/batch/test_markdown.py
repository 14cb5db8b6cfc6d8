from pathlib import Path

from coach.batch.markdown import parse_markdown

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "answers.md"


def test_headings_are_questions_and_titles_are_skipped() -> None:
    text = (
        "# Mock interview\n\nSome intro text.\n\n"
        "## 1. What does the KV cache store?\nKeys and values.\n\n"
        "```\n## not a heading inside code\n```\n\n"
        "## ru-quiz-001\nИтого 84 ГБ\n\n"
        "## Q3: Why scale attention?\n**Answer:** it keeps logits small.\n"
        "Reference: dot products grow with d_k.\nKey points:\n- variance grows\n"
        "1. softmax saturates\n\n"
        "## Skipped question\n"
    )
    records = parse_markdown(text)
    assert [line for _, line in records] == [5, 12, 15, 22]
    first, bank, teacher, skipped = (r for r, _ in records)
    assert first["question"] == "What does the KV cache store?"
    assert "## not a heading" in first["answer"]
    assert bank == {"question_id": "ru-quiz-001", "answer": "Итого 84 ГБ", "id": "ru-quiz-001"}
    assert teacher["answer"] == "it keeps logits small."
    assert teacher["reference"] == "dot products grow with d_k."
    assert teacher["key_points"] == ["variance grows", "softmax saturates"]
    assert skipped == {"question": "Skipped question", "answer": "", "id": "q4"}


def test_deeper_headings_belong_to_the_answer() -> None:
    records = parse_markdown(
        "## What is RAG?\nRetrieve, then generate.\n### Details\nBM25.\n## What is BLEU?\nA\n"
    )
    assert len(records) == 2 and "### Details\nBM25." in records[0][0]["answer"]


def test_q_and_a_lines_without_headings() -> None:
    records = parse_markdown(
        "Q: What is BLEU?\nA: precision of n-grams\n\nВопрос: Что такое ROUGE?\n"
        "Ответ: recall n-грамм\n"
    )
    assert [r for r, _ in records] == [
        {"question": "What is BLEU?", "answer": "precision of n-grams", "id": "q1"},
        {"question": "Что такое ROUGE?", "answer": "recall n-грамм", "id": "q2"},
    ]


def test_the_example_file_parses() -> None:
    records = parse_markdown(EXAMPLE.read_text(encoding="utf-8"))
    assert len(records) == 7
    assert records[0][0]["question_id"] == "en-genai-001"
    assert any("reference" in r for r, _ in records)
