"""A non-editable install carries the glossary: built wheel → fresh venv → `define` from another folder.

No downloads: the wheel is built from a copy of the sources (nothing lands in the repo), installed
with --no-deps --no-index into a new venv that borrows this environment's dependencies through a
.pth file (a path in a .pth doesn't run that folder's own .pth files, so the editable install of
this checkout stays out of sight).
"""

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SOURCES = ("pyproject.toml", "README.md", "bot", "data")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    work = tmp_path_factory.mktemp("wheel")
    src = work / "src"
    src.mkdir()
    for name in SOURCES:
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, src / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(REPO / name, src / name)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(work / "dist"),
                    str(src)], check=True, capture_output=True, text=True, timeout=300)
    return next((work / "dist").glob("liandan-*.whl"))


def test_wheel_holds_every_module_and_the_glossary(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    modules = {p.relative_to(REPO).as_posix() for p in (REPO / "bot").rglob("*.py")}
    assert modules - names == set(), "sub-packages missing from [tool.setuptools] packages"
    shipped = {f"bot/_data/{p.name}" for p in (REPO / "data").glob("*.yaml")} | {"bot/_data/README.md"}
    assert shipped <= names
    assert not any(name.startswith("data/") for name in names)


def test_installed_wheel_answers_define_from_another_folder(wheel, tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet", "--no-deps",
                    "--no-index", str(wheel)], check=True, capture_output=True, text=True, timeout=300)
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          check=True, capture_output=True, text=True).stdout.strip()
    Path(site, "borrowed-deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "DATA_DIR", "DATABASE_URL")}
    result = subprocess.run([str(python), "-m", "bot", "define", "炸炉", "--json"], cwd=elsewhere, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["status"] == "found"
    where = subprocess.run([str(python), "-c", "import bot; print(bot.__file__)"], cwd=elsewhere, env=env,
                           capture_output=True, text=True).stdout
    assert where.startswith(str(venv)), "the test ran the checkout, not the installed wheel"
    assert list(elsewhere.iterdir()) == []  # define writes nothing where it runs
