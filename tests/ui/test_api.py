"""The app's API through gradio_client, against `python app.py` running offline."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from gradio_client import Client, handle_file

from coach.corpus.models import Kind, Topic
from coach.interview.machine import Interview, new_state
from coach.interview.models import InterviewConfig, Turn
from coach.sessions.recorded import RecordedInterviewer
from coach.sessions.store import SessionStore
from tests.fakes.documents import text_pdf
from tests.fakes.speech import needs_espeak, silence, spoken
from tests.ui.conftest import INDEX_BUILD_TIMEOUT, REPO, RunningApp

pytestmark = pytest.mark.timeout(INDEX_BUILD_TIMEOUT + 300)

DUE = "ru-quiz-001"  # any bank question with a key entry

ANSWER = (
    "A KV cache stores the keys and values of the previous tokens in every layer, so "
    "each new token attends to them without recomputing; it grows linearly with length."
)


def client(app: RunningApp, tmp_path: Path) -> Client:
    return Client(app.url, verbose=False, analytics_enabled=False, download_files=tmp_path)


def texts(messages: list[dict[str, Any]]) -> list[str]:
    """The text of each chat message (the API gives content as a list of parts)."""
    out = []
    for message in messages:
        content = message["content"]
        parts = content if isinstance(content, list) else [content]
        out.append("".join(p["text"] if isinstance(p, dict) else str(p) for p in parts))
    return out


def start(c: Client, lang: str = "en", questions: int = 2, topic: str = "") -> Any:
    return c.predict(topic, "", lang, questions, "none", "", "", api_name="/start")


def test_an_offline_interview_runs_from_start_to_summary(app: RunningApp, tmp_path: Path) -> None:
    c = client(app, tmp_path)
    messages, status, _plot, session = start(c)
    assert texts(messages)[0].startswith("**Question 1/2**")
    assert status == "" and session
    _, messages, status, _plot, *_ = c.predict(ANSWER, api_name="/answer")
    shown = texts(messages)
    assert shown[1] == ANSWER
    card = next(t for t in shown if t.startswith("### Score "))
    assert "*Graded by the offline grader (rules + embeddings).*" in card
    assert status == ""
    hint = texts(c.predict(api_name="/hint")[0])[-1]
    assert hint.startswith("**Hint 1:**") or "No more hints" in hint
    explained = texts(c.predict(api_name="/explain")[0])[-1]
    assert explained.startswith(("Reference answer:", "The answer key has no reference"))
    messages, _status, plot, _ = c.predict(api_name="/stop")
    summary = texts(messages)[-1]
    assert summary.startswith("### Interview summary")
    assert f"Session `{session}`" in summary
    assert plot["visible"] is True
    rows = plot["value"]["data"]
    assert rows and all(f"| {topic} | {answered} |" in summary for topic, _, answered in rows)


def test_export_gives_the_session_report(app: RunningApp, tmp_path: Path) -> None:
    c = client(app, tmp_path)
    start(c, questions=1)
    c.predict(ANSWER, api_name="/answer")
    markdown = Path(c.predict("md", api_name="/export")).read_text(encoding="utf-8")
    assert markdown.startswith("# ") and ANSWER[:40] in markdown
    html = Path(c.predict("html", api_name="/export")).read_text(encoding="utf-8")
    assert html.lstrip().lower().startswith("<!doctype html")


def test_each_client_session_has_its_own_interview(app: RunningApp, tmp_path: Path) -> None:
    first, second = client(app, tmp_path / "a"), client(app, tmp_path / "b")
    one, two = start(first)[3], start(second)[3]
    assert one != two
    mine = texts(first.predict("first candidate's answer about attention", api_name="/answer")[1])
    theirs = texts(second.predict("second candidate on tokenizers", api_name="/answer")[1])
    assert "first candidate's answer about attention" in mine
    assert all("second candidate" not in t for t in mine)
    assert all("first candidate" not in t for t in theirs)


def test_answering_before_start_asks_to_start(app: RunningApp, tmp_path: Path) -> None:
    _, messages, *_ = client(app, tmp_path).predict("an answer", api_name="/answer")
    assert texts(messages) == ["Press **Start interview** first."]


def test_a_blank_model_name_is_a_message_not_an_error(app: RunningApp, tmp_path: Path) -> None:
    c = client(app, tmp_path)
    messages, *_ = c.predict("", "", "en", 2, "ollama", " ", "", api_name="/start")
    assert texts(messages)[0].startswith("⚠ invalid model")


def test_a_job_description_and_a_time_limit_shape_the_interview(
    app: RunningApp, tmp_path: Path
) -> None:
    c = client(app, tmp_path)
    jd = "We need someone who knows HNSW indexes and retrieval-augmented generation."
    messages, *_ = c.predict("", "", "en", 2, "none", "", "", jd, 60, api_name="/start")
    shown = texts(messages)[-1]
    assert "the job description asks for" in shown and "answer within 60 s" in shown
    refused, *_ = c.predict("", "", "en", 2, "none", "", "", "Bake bread.", 0, api_name="/start")
    assert texts(refused)[0].startswith("⚠") and "names no ML" in texts(refused)[0]
    slow, *_ = c.predict("", "", "en", 2, "none", "", "", "", 5, api_name="/start")
    assert "10 to 3600 seconds" in texts(slow)[0]


def test_the_memory_calculator_reproduces_the_quiz_figure(app: RunningApp, tmp_path: Path) -> None:
    c = client(app, tmp_path)
    headline, table, _chart, fits, steps = c.predict(
        "7B",
        "",
        "train",
        "fp32",
        "momentum",
        "naive",
        None,
        None,
        "none",
        "0",
        1,
        None,
        0,
        api_name="/calc_memory",
    )
    assert "84 GB" in headline
    parts = {row[0]: row[1] for row in table["data"]}
    assert parts["weights"] == parts["gradients"] == parts["optimizer states"] == 28
    verdicts = {row[0]: row[1] for row in fits["data"]}
    assert verdicts["A100 40GB"].endswith("does not fit")
    assert verdicts["H100 80GB"].endswith("tight")  # 84 GB = 78.2 GiB of 80
    assert verdicts["MI300X 192GB"].endswith("fits")
    assert steps.startswith("**Step by step:**")


def test_calculators_report_bad_input_in_words(app: RunningApp, tmp_path: Path) -> None:
    c = client(app, tmp_path)
    headline, *_ = c.predict(
        "-5",
        "",
        "train",
        "fp32",
        "momentum",
        "naive",
        None,
        None,
        "none",
        "0",
        1,
        None,
        0,
        api_name="/calc_memory",
    )
    assert headline.startswith("⚠ invalid params")
    assert c.predict("params", "{not json", api_name="/calc")[0].startswith("⚠ The arguments")
    headline, _table, steps = c.predict(
        "cosine", json.dumps({"a": [1, 0], "b": [0, 1]}), api_name="/calc"
    )
    assert "cosine: 0" in headline and steps


def test_metric_calculators(app: RunningApp, tmp_path: Path) -> None:
    c = client(app, tmp_path)
    headline, _table, _ = c.predict(40, 10, 5, 45, "precision", api_name="/calc_classification")
    assert headline.startswith("### classification: 0.8")
    headline, *_ = c.predict(
        "bleu", "the cat sat on the mat", "the cat sat on the mat", api_name="/calc_text"
    )
    assert "bleu: 100" in headline
    headline, *_ = c.predict("-1 -1 -1", "logprobs", api_name="/calc_perplexity")
    assert "perplexity: 2.71" in headline


def test_corpus_search_with_filters(app: RunningApp, tmp_path: Path) -> None:
    c = client(app, tmp_path)
    note, table = c.predict("KV cache memory", "", "", 5, api_name="/search")
    assert note == "5 results" and len(table["data"]) == 5
    note, table = c.predict("KV cache", "", "ru", 5, api_name="/search")
    assert {row[3] for row in table["data"]} == {"ru"}
    note, _ = c.predict("   ", "", "", 5, api_name="/search")
    assert note.startswith("⚠ invalid query")


def test_batch_grading_writes_the_four_outputs(app: RunningApp, tmp_path: Path) -> None:
    c = client(app, tmp_path)
    files = [handle_file(REPO / "examples" / "answers.jsonl")]
    summary, chart, answers, downloads = c.predict(files, "none", api_name="/grade")
    assert summary.startswith("### Graded ")
    names = sorted(Path(d).name for d in downloads)
    assert names == ["report.html", "report.md", "results.csv", "results.jsonl"]
    results = Path(next(d for d in downloads if d.endswith("results.jsonl")))
    rows = [json.loads(line) for line in results.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == len(answers["data"]) > 0
    assert chart["data"] and all(0 <= row[1] <= 10 for row in chart["data"])


def test_progress_lists_saved_sessions(app: RunningApp, tmp_path: Path) -> None:
    store = SessionStore(app.data_dir / "sessions.sqlite3")
    interview = RecordedInterviewer(
        Interview(new_state(InterviewConfig(lang="en", questions=1, review=["fa-vlm-q1-1"]))), store
    )
    list(interview.start())
    c = client(app, tmp_path)
    table, _mastery, _trend, _repeats, _due, _pick = c.predict(api_name="/progress")
    assert interview.state.id in [row[0] for row in table["data"]]


def test_progress_shows_the_trend_and_the_repeated_questions(
    app: RunningApp, tmp_path: Path
) -> None:
    from coach.grading.models import Grade, Verdict

    store = SessionStore(app.data_dir / "sessions.sqlite3")
    start = datetime(2026, 3, 1, tzinfo=UTC)
    for day, score in ((0, 3.0), (2, 8.0)):
        state = new_state(InterviewConfig(lang="en", questions=1))
        when = start + timedelta(days=day)
        graded = Grade(score=score, verdict=Verdict.PARTIALLY_CORRECT)
        state.turns.append(
            Turn(
                index=0,
                question_id="ru-quiz-147",
                text="HNSW?",
                topic=Topic.RAG,
                kind=Kind.OPEN,
                answer="graphs",
                grade=graded,
                asked_at=when,
                answered_at=when,
            )
        )
        store.save(state)
    c = client(app, tmp_path)
    _table, _mastery, trend, repeats, _due, _pick = c.predict(api_name="/progress")
    # Other tests of this module share the app's store; these two sessions are in March
    # (the plot's x values are epoch milliseconds).
    window = (start.timestamp() * 1000, (start + timedelta(days=3)).timestamp() * 1000)
    march = [row[2] for row in trend["data"] if window[0] <= row[0] <= window[1]]
    assert march == [3.0, 8.0], trend["data"]
    row = next(r for r in repeats["data"] if r[0] == "ru-quiz-147")
    # Another test's interview may have graded the same question since (it is not in March).
    assert row[1] >= 2 and row[2] == "3.0", row


def test_start_review_asks_the_most_overdue_question_first(app: RunningApp, tmp_path: Path) -> None:
    store = SessionStore(app.data_dir / "sessions.sqlite3")
    state = new_state(InterviewConfig(lang="en", questions=1))
    missed = Turn(
        index=0, question_id=DUE, text="?", topic=Topic.DECODING, kind=Kind.OPEN, skipped=True
    )
    state.turns.append(missed)
    store.save(state)
    store.review(state, missed, when=datetime.now(UTC) - timedelta(days=3))
    *_, messages, _status, _plot, session = client(app, tmp_path).predict(api_name="/review")
    assert texts(messages)[0].startswith("**Question 1/")
    assert store.load(session).turns[0].question_id == DUE


def test_anki_export_gives_the_package_and_schedule(app: RunningApp, tmp_path: Path) -> None:
    c = client(app, tmp_path)
    start(c, questions=1)
    c.predict(ANSWER, api_name="/answer")
    files, note = c.predict(api_name="/anki_export")
    names = sorted(Path(f).name for f in files["value"])
    assert names == ["interview-coach.apkg", "interview-coach.fsrs.csv"], files
    # The app's data dir is shared by this module's tests: at least this session's question.
    assert re.match(r"[1-9]\d* notes in [1-9]\d* decks; import the \.apkg in Anki\.$", note), note


@needs_espeak
def test_a_spoken_answer_is_transcribed_edited_and_graded(app: RunningApp, tmp_path: Path) -> None:
    c = client(app, tmp_path)
    start(c, questions=1)
    said = "Attention weighs the values by how well the query matches each key."
    recording = spoken(said, "en", tmp_path / "answer.wav")
    text, note = c.predict(handle_file(str(recording)), api_name="/transcribe")
    assert "query matches each key" in text.lower() and note.startswith("🎤 ")
    assert "whisper:base" in note and "fix any misheard term" in note
    edited = text + " Several heads run in parallel."
    cleared, messages, *_rest, note_after = c.predict(edited, api_name="/answer")
    assert cleared == "" and note_after == ""
    shown = texts(messages)
    assert edited in shown
    card = next(t for t in shown if t.startswith("### Score "))
    assert "🎤 Spoken answer:" in card and "whisper:base" in card


def test_a_bad_recording_is_a_message_and_keeps_the_typed_answer(
    app: RunningApp, tmp_path: Path
) -> None:
    c = client(app, tmp_path)
    start(c, questions=1)
    quiet = silence(tmp_path / "quiet.wav")
    text, note = c.predict(handle_file(str(quiet)), api_name="/transcribe")
    assert note.startswith("⚠ ") and "is silent" in note
    assert isinstance(text, dict) and "value" not in text  # the answer box is left as it was


def test_an_uploaded_pdf_fills_the_job_description(app: RunningApp, tmp_path: Path) -> None:
    c = client(app, tmp_path)
    pdf = text_pdf(tmp_path / "jd.pdf", ["Skills: HNSW indexes and vector databases"])
    text = c.predict(handle_file(str(pdf)), "Senior role.", api_name="/read_document")
    assert text.startswith("Senior role.") and "HNSW indexes" in text
    scan = text_pdf(tmp_path / "scan.pdf", [])
    assert c.predict(handle_file(str(scan)), "kept", api_name="/read_document") == "kept"
