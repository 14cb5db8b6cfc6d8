"""Ships the bank, key, source documents and prompts inside the wheel.

They live at the top of the repository (`corpus/`, `prompts/`), where the design puts them and
where people edit them; a non-editable install (`pip install .`, a wheel) has no repository, so
the build copies them into the package as `coach/_resources/`. Settings read the checkout's
folders when there is one and these copies otherwise (coach/settings.py).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

RESOURCES = ("corpus", "prompts")


class BuildWithResources(build_py):
    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install reads the checkout itself
        for name in RESOURCES:
            target = Path(self.build_lib) / "coach" / "_resources" / name
            shutil.copytree(
                Path(__file__).parent / name,
                target,
                dirs_exist_ok=True,
                ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
            )


setup(cmdclass={"build_py": BuildWithResources})
