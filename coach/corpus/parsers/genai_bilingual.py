"""en_zh_genai_interview_questions.md: `## Section (中文)`, numbered English lines, each
followed by its Chinese twin."""

from __future__ import annotations

import re
from pathlib import Path

from coach.corpus.models import Question, Topic
from coach.corpus.parsers.common import read_lines, require
from coach.corpus.topics import classify

SECTION = re.compile(r"^##\s+(.+?)\s*(?:\((.+)\))?\s*$")
NUMBERED = re.compile(r"^\s*(\d+)\.\s+(.+?)\s*$")
SECTION_TOPICS = {
    "Generative Models": Topic.GENERATIVE,
    "Large Language Models": Topic.PRETRAINING,
    "Multimodal Models": Topic.VLM,
    "Embeddings": Topic.EMBEDDINGS,
    "Training, Inference and Evaluation": Topic.TRAINING,
}
# Sections whose questions all share a topic; in the others each question is classified.
FIXED_SECTIONS = {"Generative Models", "Multimodal Models", "Embeddings"}


def parse(path: Path) -> list[Question]:
    lines = read_lines(path)
    questions: list[Question] = []
    section = ""
    for index, line in enumerate(lines):
        heading = SECTION.match(line)
        if heading and not line.startswith("###"):
            section = heading.group(1).strip()
            continue
        match = NUMBERED.match(line)
        if not match:
            continue
        require(bool(section), path, index + 1, "question before any section heading")
        text = match.group(2)
        twin = next((x.strip() for x in lines[index + 1 : index + 3] if x.strip()), "")
        require(bool(twin) and not NUMBERED.match(twin), path, index + 2, "missing Chinese twin")
        default = SECTION_TOPICS.get(section, Topic.PRETRAINING)
        topic = default if section in FIXED_SECTIONS else classify(text, default=default)
        questions.append(
            Question(
                id=f"en-genai-{len(questions) + 1:03d}",
                source=path.name,
                line=index + 1,
                lang="en",
                section=section,
                topic=topic,
                text=text,
                text_zh=twin,
            )
        )
    return questions
