"""fa_vlm_course_quizzes.md: `## کوئیز N` quizzes of `### سوال M` multiple-choice questions."""

from __future__ import annotations

import re
from pathlib import Path

from coach.corpus.models import Kind, Question, Topic
from coach.corpus.parsers.common import read_lines, require, strip_bold

QUIZ = re.compile(r"^##\s+کوئیز\s+(\d+)")
QUESTION = re.compile(r"^###\s+سوال\s+(\d+)")
OPTION = re.compile(r"^\s*\*(?:\s+(.*?))?\s*$")
OPTIONS_PER_QUESTION = 4


def parse(path: Path) -> list[Question]:
    lines = read_lines(path)
    questions: list[Question] = []
    quiz = 0
    current: dict | None = None

    def close() -> None:
        if current is None:
            return
        require(bool(current["text"]), path, current["line"], "question without text")
        require(
            len(current["options"]) == OPTIONS_PER_QUESTION,
            path,
            current["line"],
            f"expected {OPTIONS_PER_QUESTION} options, found {len(current['options'])}",
        )
        questions.append(
            Question(
                id=f"fa-vlm-q{quiz}-{current['number']}",
                source=path.name,
                line=current["line"],
                lang="fa",
                section=f"کوئیز {quiz}",
                topic=Topic.VLM,
                kind=Kind.MULTIPLE_CHOICE,
                text=current["text"],
                options=current["options"],
            )
        )

    for number, line in enumerate(lines, start=1):
        if quiz_match := QUIZ.match(line):
            close()
            current, quiz = None, int(quiz_match.group(1))
        elif question_match := QUESTION.match(line):
            close()
            current = {
                "number": int(question_match.group(1)),
                "line": number,
                "text": "",
                "options": [],
            }
        elif current is not None and (option := OPTION.match(line)):
            # A stray empty bullet separates some questions: not an option.
            if option.group(1):
                current["options"].append(strip_bold(option.group(1)))
        elif current is not None and line.strip() and not current["text"]:
            current["text"] = strip_bold(line.strip())
    close()
    return questions
