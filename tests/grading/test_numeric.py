import pytest

from coach.corpus.key import NumericAnswer
from coach.grading.numeric import check, convert, given, quantities

MOMENTUM = NumericAnswer.model_validate(
    {
        "value": 84,
        "unit": "GB",
        "convention": "naive",
        "tolerance": 0.02,
        "calculator": {
            "tool": "memory",
            "field": "total_gb",
            "args": {
                "params": "7B",
                "precision": "fp32",
                "optimizer": "momentum",
                "mode": "train",
                "convention": "naive",
            },
        },
    }
)


@pytest.mark.parametrize(
    "answer",
    [
        "84 GB",
        "7B model: 28 + 28 + 28 = 84 GB",
        "Итого около 84 ГБ",
        "۸۴ گیگابایت",
        "大约84GB内存",
        "78.2 GiB",
        "84000 MB",
        "84,0 ГБ",
        "about 84",
    ],
)
def test_right_number_in_any_unit_or_language(answer: str) -> None:
    result = check(answer, MOMENTUM)
    assert result.ok, (answer, result)
    assert result.expected == pytest.approx(84)
    assert "28" in result.explanation  # the calculator's arithmetic, step by step


@pytest.mark.parametrize("answer", ["112 GB", "it needs 28 GB for the weights", "no idea", "84 TB"])
def test_wrong_or_missing_number(answer: str) -> None:
    assert not check(answer, MOMENTUM).ok


def test_a_stated_total_wins_over_later_numbers() -> None:
    found = given("total = 84 GB; activations add 2 GB more", "GB")
    assert found is not None and found.value == 84


def test_units_convert_within_a_dimension_only() -> None:
    (gib,) = quantities("2 GiB")
    assert convert(gib, "GB") == pytest.approx(2.147483648)
    (pct,) = quantities("50 %")
    assert convert(pct, "GB") is None
    assert [q.value for q in quantities("1,000 and 10,5 and 7e9")] == [1000, 10.5, 7e9]


def test_calculator_failure_falls_back_to_the_key_value() -> None:
    broken = MOMENTUM.model_copy(
        update={
            "calculator": MOMENTUM.calculator.model_copy(update={"args": {"params": "not a size"}})
        }
    )
    result = check("84 GB", broken)
    assert result.ok and "key value used" in result.explanation
