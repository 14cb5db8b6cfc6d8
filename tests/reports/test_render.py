from coach.grading.models import Grade, KeyPointResult, PointStatus, Verdict
from coach.reports.render import ReportItem, histogram_svg, summarize, to_html, to_markdown


def item(i: int, score: float, topic: str | None, **grade: object) -> ReportItem:
    return ReportItem(
        id=f"a{i}",
        question="What is <b>RAG</b>?",
        answer="Retrieve & generate",
        topic=topic,
        grade=Grade(
            score=score, verdict=Verdict.PARTIALLY_CORRECT, feedback="More detail.", **grade
        ),
    )


ITEMS = [
    item(1, 10.0, "rag"),
    item(
        2,
        4.0,
        "rag",
        key_points=[KeyPointResult(text="retrieve", weight=1, status=PointStatus.COVERED)],
    ),
    item(3, 0.5, None, grader="llm:m", fallback_notice="backend down; this is the offline grade"),
]


def test_summary_averages_and_histogram() -> None:
    summary = summarize(ITEMS)
    assert summary.count == 3 and summary.mean == 4.83
    assert [(t.topic, t.count, t.mean) for t in summary.topics] == [
        ("(no topic)", 1, 0.5),
        ("rag", 2, 7.0),
    ]
    assert summary.histogram == [1, 0, 0, 0, 1, 0, 0, 0, 0, 1]
    assert summary.fallbacks == 1 and summary.graders == {"offline": 2, "llm:m (fallback)": 1}


def test_markdown_lists_every_answer_and_labels_fallbacks() -> None:
    text = to_markdown(ITEMS, "Grades", notes=["x.jsonl:3: invalid JSON"])
    assert "| rag | 2 | 7 |" in text and "x.jsonl:3: invalid JSON" in text
    assert "### a2: 4/10, partially correct" in text and "- [covered] retrieve" in text
    assert "> Fallback: backend down" in text and "1 grades fell back" in text


def test_html_is_self_contained_and_escaped() -> None:
    page = to_html(ITEMS, "Grades <2024>")
    assert page.count("<svg") == 2 and "Grades &lt;2024&gt;" in page
    assert "What is &lt;b&gt;RAG&lt;/b&gt;?" in page and "Retrieve &amp; generate" in page
    assert "http" not in page.replace("http://www.w3.org/2000/svg", "")


def test_an_answer_cannot_inject_markup_into_the_page() -> None:
    hostile = ITEMS[0].model_copy(
        update={"id": "x' onmouseover='alert(1)", "answer": "<script>1</script>"}
    )
    page = to_html([hostile], "t")
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "onmouseover='alert" not in page


def test_histogram_of_nothing_is_still_a_chart() -> None:
    assert histogram_svg([0] * 10).startswith("<svg")
