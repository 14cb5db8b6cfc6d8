import json
from pathlib import Path

import pytest

from coach.batch.inputs import key_points, read


def write(path: Path, content: str | bytes) -> Path:
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def test_jsonl_reports_malformed_lines_and_keeps_the_rest(tmp_path: Path) -> None:
    path = write(
        tmp_path / "a.jsonl",
        "\n".join(
            [
                json.dumps({"id": "1", "question_id": "ru-quiz-001", "answer": "84 GB"}),
                "{not json",
                json.dumps({"id": "2", "answer": "no question"}),
                json.dumps({"id": "3", "question": "What is BLEU?"}),
                json.dumps(["a list"]),
                json.dumps(
                    {
                        "question": "What is RAG?",
                        "answer": "",
                        "reference": "Retrieve then generate.",
                    }
                ),
            ]
        ),
    )
    rows = read(path)
    assert [i.id for i in rows.items] == ["1", "a:6"]
    assert rows.items[1].answer == "" and rows.items[1].reference == "Retrieve then generate."
    assert [(p.line, p.message) for p in rows.problems] == [
        (2, "invalid JSON: Expecting property name enclosed in double quotes"),
        (3, "needs a question or a question_id"),
        (4, "no answer field (or an audio file)"),
        (5, "expected an object"),
    ]
    assert str(rows.problems[0]).startswith(f"{path}:2: ")


def test_json_list_or_wrapper_with_line_numbers(tmp_path: Path) -> None:
    data = {"answers": [{"id": "x", "question": "Q?", "answer": "A"}, {"id": "y", "answer": 5}]}
    rows = read(write(tmp_path / "a.json", json.dumps(data, indent=2)))
    assert [i.id for i in rows.items] == ["x"]
    assert rows.problems[0].message == "the answer must be text"
    assert rows.problems[0].line == 8
    broken = read(write(tmp_path / "b.json", '[{"id": 1,\n "answer": }]'))
    assert broken.problems[0].line == 2 and not broken.items


def test_csv_with_teacher_reference_and_key_points(tmp_path: Path) -> None:
    path = write(
        tmp_path / "a.csv",
        (
            "id,question,answer,reference,key_points\n"
            'c1,What is LayerNorm?,"It normalizes, per token.",Normalizes each token.,'
            '"per token|learned gain and bias"\n'
            "c2,Q?,A,,,extra cell\n"
        ),
    )
    rows = read(path)
    (item,) = rows.items
    assert item.answer == "It normalizes, per token." and item.line == 2
    assert [p.text for p in item.key_points or []] == ["per token", "learned gain and bias"]
    assert rows.problems[0].line == 3 and "more cells" in rows.problems[0].message


def test_non_utf8_empty_and_unknown_files_are_clear_problems(tmp_path: Path) -> None:
    latin = read(write(tmp_path / "a.jsonl", '{"id": 1}\n{"answer": "caf\xe9"}'.encode("latin-1")))
    assert not latin.items
    assert latin.problems[0].line == 2 and "not UTF-8" in latin.problems[0].message
    assert read(write(tmp_path / "e.md", "  \n")).problems[0].message == "the file is empty"
    assert "unknown file type" in read(write(tmp_path / "a.docx", "x")).problems[0].message
    assert "cannot read" in read(tmp_path / "missing.jsonl").problems[0].message


def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    rows = read(write(tmp_path / "a.csv", "\ufeffid,question,answer\n1,Q?,A\n".encode()))
    assert [i.id for i in rows.items] == ["1"]


def test_key_points_weights_are_normalised() -> None:
    points = key_points([{"text": "a", "weight": 2}, {"text": "b", "weight": 2, "alt": ["bb"]}])
    assert [p.weight for p in points or []] == [0.5, 0.5]
    assert key_points('["x", "y", "z"]') and len(key_points("x\ny") or []) == 2
    assert key_points(None) is None
    with pytest.raises(ValueError):
        key_points([{"weight": 1}])
