"""ru_100_nlp_interview_questions.md: a Notion export of checkbox questions `- [ ]  N. text`,
grouped under `- **SUBSECTION**` bullets, with optional `- ***ответ***` answer blocks, and a
closing list of numbered "ANALYSE" questions."""

from __future__ import annotations

import re
from pathlib import Path

from coach.corpus.models import Question, Topic
from coach.corpus.parsers.common import MD_LINK, clean_answer, read_lines, strip_bold
from coach.corpus.topics import classify

PART = re.compile(r"^#+\s+(.+?)\s*$")
SUBSECTION = re.compile(r"^- \*\*(.+?)\*\*")
CHECKBOX = re.compile(r"^\s{4}- \[.\]\s+(\d+)\.\s+(.+?)\s*$")
ANSWER = re.compile(r"^\s+- \*\*\*ответ\*\*\*\s*$")
ANALYSE_ITEM = re.compile(r"^\s{4}(\d+)\.\s+(.+?)\s*$")
SUBSECTION_TOPICS = [
    ("TF-IDF", Topic.CLASSIC_NLP),
    ("METRICS", Topic.METRICS),
    ("WORD2VEC", Topic.EMBEDDINGS),
    ("RNN", Topic.RNN_CNN),
    ("ATTENTION", Topic.ATTENTION),
    ("TRANSFORMER MODEL TYPES", Topic.PRETRAINING),
    ("POSITIONAL", Topic.POSITIONAL),
    ("PRETRAINING", Topic.PRETRAINING),
    ("TOKENIZERS", Topic.TOKENIZATION),
    ("TRAINING", Topic.TRAINING),
    ("INFERENCE", Topic.DECODING),
    ("LLM quantization", Topic.QUANTIZATION),
]
# Sections where each question is classified on its own text, section topic as fallback.
MIXED = ("LLM base", "ANALYSE", "TRAINING", "INFERENCE")


def _section_topic(section: str) -> Topic:
    return next(
        (t for key, t in SUBSECTION_TOPICS if key.lower() in section.lower()), Topic.PRETRAINING
    )


def _clean_section(raw: str) -> str:
    return re.sub(r"\s*\(\d+(?:/\d+)?\)\s*$", "", re.sub(r"\s+", " ", raw)).strip()


def parse(path: Path) -> list[Question]:
    lines = read_lines(path)
    questions: list[Question] = []
    section = part = ""
    current: dict | None = None
    analyse = False

    def close() -> None:
        nonlocal current
        if current is None:
            return
        answer, links = clean_answer(current["answer"]) if current["answer"] else ("", [])
        extra_links = [url for _, url in MD_LINK.findall(" ".join(current["tail"]))]
        default = _section_topic(section)
        mixed = any(key.lower() in section.lower() for key in MIXED)
        text = strip_bold(current["text"])
        questions.append(
            Question(
                id=current["id"],
                source=path.name,
                line=current["line"],
                lang="ru",
                section=f"{part} / {section}" if part else section,
                topic=classify(text, default=default) if mixed else default,
                text=text,
                answer=answer or None,
                links=extra_links + links,
            )
        )
        current = None

    for number, line in enumerate(lines, start=1):
        if heading := PART.match(line):
            close()
            part = strip_bold(heading.group(1)).strip("* ")
        elif sub := SUBSECTION.match(line):
            close()
            section = _clean_section(sub.group(1))
            analyse = "ANALYSE" in section
        elif (box := CHECKBOX.match(line)) and not analyse:
            close()
            current = {
                "id": f"ru-nlp100-q{int(box.group(1))}",
                "line": number,
                "text": box.group(2),
                "answer": None,
                "tail": [],
            }
        elif analyse and (item := ANALYSE_ITEM.match(line)):
            close()
            current = {
                "id": f"ru-nlp100-a{int(item.group(1))}",
                "line": number,
                "text": item.group(2),
                "answer": None,
                "tail": [],
            }
        elif current is not None and ANSWER.match(line):
            current["answer"] = []
        elif current is not None and current["answer"] is not None:
            current["answer"].append(line)
        elif current is not None and line.strip():
            # Lines under a question before any answer: links or the question's continuation.
            if MD_LINK.sub("", line).strip():
                current["text"] += " " + line.strip()
            current["tail"].append(line)
    close()
    return questions
