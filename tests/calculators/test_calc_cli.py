"""`coach calc`: the issue's command lines, their --json shape and exit codes."""

from __future__ import annotations

import json
import shlex
import sys

import pytest
from typer.testing import CliRunner

from coach.cli import app, main

runner = CliRunner()

ISSUE_COMMANDS = [
    (
        "memory --params 7B --precision fp32 --optimizer momentum --mode train --convention naive",
        "total_gb",
        84.0,
    ),
    (
        "memory --params 7e9 --precision bf16 --optimizer adamw --mode train --convention mixed "
        "--zero 3 --gpus 8",
        "total_gb",
        14.0,
    ),
    (
        "kv-cache --layers 32 --kv-heads 8 --head-dim 128 --seq 8192 --batch 1 --dtype fp16",
        "total_gib",
        1.0,
    ),
    ("params lstm --input 100 --hidden 128", "value", 117_760),
    ("metric classification --tp 40 --fp 10 --fn 5 --tn 45", "value", 0.8421),
    ('metric bleu --hyp "the cat is on the mat" --ref "the cat is on the mat"', "value", 100.0),
    ('metric rouge --hyp "the cat sat on the mat" --ref "the cat is on the mat"', "value", 0.8333),
    ("metric perplexity --logprobs -1.2 -0.3 -2.0", "value", 3.2113),
    ("metric cosine --a 1 2 3 --b 3 2 1", "value", 0.7143),
]


@pytest.mark.parametrize(("command", "field", "expected"), ISSUE_COMMANDS)
def test_issue_commands_print_json(command: str, field: str, expected: float) -> None:
    result = runner.invoke(app, ["calc", *shlex.split(command), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert {"unit", "breakdown", "steps", "assumptions"} <= data.keys()
    assert data[field] == pytest.approx(expected, rel=1e-4)


def test_text_output_shows_steps() -> None:
    result = runner.invoke(
        app,
        [
            "calc",
            "memory",
            "--params",
            "7B",
            "--precision",
            "fp16",
            "--optimizer",
            "adam",
            "--mode",
            "train",
        ],
    )
    assert result.exit_code == 0
    assert "memory: 56 GB" in result.output and "Steps:" in result.output


def test_several_references_and_documents() -> None:
    bleu = runner.invoke(
        app,
        [
            "calc",
            "metric",
            "bleu",
            "--hyp",
            "The dog bit the man.",
            "--ref",
            "The dog had bit the man.",
            "The dog bit the man.",
            "--json",
        ],
    )
    assert json.loads(bleu.output)["value"] == pytest.approx(100.0)
    tfidf = runner.invoke(
        app,
        [
            "calc",
            "metric",
            "tfidf",
            "--doc",
            "this is a a sample",
            "this is another another example example example",
            "--term",
            "example",
            "--index",
            "1",
            "--variant",
            "textbook",
            "--json",
        ],
    )
    assert json.loads(tfidf.output)["value"] == pytest.approx(0.129, abs=0.0005)


@pytest.mark.parametrize(
    ("argv", "piece"),
    [
        (["calc", "memory", "--params", "7B", "--zero", "4"], "invalid zero: 4"),
        (["calc", "memory", "--params", "7B", "--precision", "fp64"], "invalid precision"),
        (["calc", "memory", "--params", "-7B"], "invalid params"),
        (["calc", "metric", "cosine", "--a", "1", "2", "--b", "1"], "invalid b"),
    ],
)
def test_bad_input_exits_2_with_one_line(
    argv: list[str], piece: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "argv", ["coach", *argv])
    with pytest.raises(SystemExit) as info:
        main()
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and piece in err and err.count("\n") == 1


def test_ask_answers_in_russian() -> None:
    result = runner.invoke(
        app,
        [
            "calc",
            "ask",
            "Сколько памяти потребуется для обучения 7B модели в FP16 с оптимизатором Adam?",
        ],
    )
    assert result.exit_code == 0
    first, second = result.output.splitlines()[:2]
    assert (
        first
        == "Понято как: memory · 7B params · train · adam · fp16 · every tensor in one precision"
    )
    assert second.startswith("обучение: 56 GB")
    assert "Assumed:" in result.output


def test_ask_back_exits_1_and_lists_what_is_missing() -> None:
    result = runner.invoke(app, ["calc", "ask", "how much memory to train a model?", "--json"])
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert data["status"] == "need_input" and data["missing"] and data["results"] == []


def test_gpu_catalog() -> None:
    result = runner.invoke(app, ["calc", "gpus", "--json"])
    names = [g["name"] for g in json.loads(result.output)]
    assert {"RTX 3060 12GB", "RTX 4090 24GB", "A100 80GB", "H100 80GB", "H200 141GB"} <= set(names)
