"""The status banner: which backend is in effect, what works offline, how to connect an LLM.

Built from the checks `coach doctor` runs (`llm.check` for the backend, `store.info` for the
index) without importing the doctor itself, which pulls in LangChain's agent stack and would
slow the first page; never from raw settings, so no secret can reach the page.
"""

from __future__ import annotations

from coach.errors import CoachError
from coach.llm.check import BackendCheck, check
from coach.llm.failures import scrub

OFFLINE_LINE = (
    "**Offline mode — no LLM.** Interviews, grading, batch grading, the calculators and search "
    "all work; an LLM adds phrasing, follow-ups, explanations and an LLM judgment in grades "
    "(see *What works offline · how to connect an LLM* below)."
)

OFFLINE_WORKS = """\
**Without an LLM** the coach asks questions from its bank in en / ru / zh / fa, runs the
interview by rules (hint, skip, explain, harder / easier, “ask me about RLHF”, numeric questions
answered by the calculators), grades answers with the offline evidence grader (key points,
misconceptions, numeric checks, sources), and grades answer files in batch.
"""

HOW_TO_CONNECT = """\
**Ollama** (local): install it, then `ollama serve` and `ollama pull qwen2.5:3b`; pick
*Ollama* in the interview settings with model `qwen2.5:3b`. The server address comes from
`OLLAMA_HOST` (default `http://127.0.0.1:11434`).

**OpenAI-compatible endpoint** (OpenAI, vLLM, llama.cpp server, LM Studio, OpenRouter): pick
*OpenAI-compatible*, type the model name and the server's URL. A server that needs a key: start
the app with `OPENAI_BASE_URL=<url>` and `OPENAI_API_KEY=<key>` (the key goes to that URL only).

To make a backend the default for every interview: `COACH_LLM=ollama:qwen2.5:3b python app.py`
(or `openai:<model>`). `coach doctor` prints the same checks in a terminal. If a backend fails
mid-interview, the turn completes offline with a notice and nothing is lost.
"""


def backend_line(report: BackendCheck | None) -> str:
    """One line on the backend: offline, usable, or why not."""
    if report is None:
        return OFFLINE_LINE
    where = f"`{report.backend}` at `{report.base_url}`"
    if report.usable and report.unlisted_warning:
        return f"✓ Backend {where}: reachable; {report.unlisted_warning}."
    if report.usable:
        return f"✓ Backend {where}: reachable, model available."
    return (
        f"⚠ Backend {where} is not usable: {report.error}. "
        "Interviews run offline until it answers."
        f"\n\n{OFFLINE_LINE}"
    )


def index_line() -> str:
    from coach.search import embedders, store

    try:
        info = store.info(embedders.get_embedder())
    except CoachError as exc:
        return f"⚠ Search index: {exc}"
    if info.get("problem"):
        return f"⚠ Search index: {info['problem']}. It is rebuilt on the next start."
    return (
        f"Search index: {info.get('chunks')} chunks, embedder `{info.get('embedder')}`, "
        f"built {str(info.get('built_at'))[:16].replace('T', ' ')}."
    )


def banner(spec: str | None = None) -> str:
    """Markdown for the top of the page, for backend `spec` (default: settings.llm)."""
    return scrub(f"{backend_line(check(spec))}\n\n{index_line()}")
