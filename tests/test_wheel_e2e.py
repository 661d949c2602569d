"""`python -m build` makes an sdist and a wheel that ship the default model; the wheel installed
into a fresh virtual environment outside the repository answers from an empty folder.

The fresh environment has no system site-packages and no stancekit but the wheel's; its
dependencies come from this test's own environment through a ``.pth`` line appended after the
environment's site-packages (no downloads, and the wheel's stancekit comes first on the path).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import tarfile
import time
import zipfile
from pathlib import Path

import pytest

from conftest import REPO

pytestmark = pytest.mark.e2e

SHIPPED = {"model.json", "model.npz", "model_card.json", "metrics.json"}


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The built sdist and wheel, and a fresh venv with the wheel installed."""
    if not (REPO / "src" / "stancekit" / "default_model" / "model.json").is_file():
        pytest.fail("src/stancekit/default_model/ is empty: run `make run` to fill it")
    root = tmp_path_factory.mktemp("wheel")
    dist = root / "dist"
    subprocess.run(
        [sys.executable, "-m", "build", "--outdir", dist, REPO],
        check=True,
        capture_output=True,
        timeout=600,
    )
    (wheel,) = dist.glob("stancekit-*.whl")
    (sdist,) = dist.glob("stancekit-*.tar.gz")
    venv = root / "venv"
    subprocess.run([sys.executable, "-m", "venv", venv], check=True, timeout=300)
    python = venv / "bin" / "python"
    purelib = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    subprocess.run(
        [python, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index", wheel],
        check=True,
        timeout=300,
        env=_clean_env(venv),
    )
    # after the install: pip would take the development install seen there for this one
    ours = sysconfig.get_paths()["purelib"]
    Path(purelib, "zz_dependencies.pth").write_text(ours + "\n", encoding="utf-8")
    return {"wheel": wheel, "sdist": sdist, "venv": venv, "purelib": Path(purelib)}


def _clean_env(venv: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("STANCEKIT_", "PYTHON"))}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}/usr/bin:/bin"
    env.pop("VIRTUAL_ENV", None)
    return env


def _run(venv: Path, cwd: Path, *args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(a) for a in args],
        cwd=cwd,
        env=_clean_env(venv),
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=300,
    )


def test_the_wheel_and_sdist_ship_the_portable_model_and_no_pickle(
    installed: dict[str, Path],
) -> None:
    names = zipfile.ZipFile(installed["wheel"]).namelist()
    shipped = {n.split("default_model/")[1] for n in names if "/default_model/" in n}
    assert shipped >= SHIPPED
    assert not any(n.endswith((".joblib", ".pkl")) for n in names)
    assert shipped <= SHIPPED | {
        f"{code}/{name}" for code in ("fr", "de", "es", "sv") for name in SHIPPED
    }
    with tarfile.open(installed["sdist"]) as sdist:
        members = sdist.getnames()
    assert any(m.endswith("src/stancekit/default_model/model.npz") for m in members)
    assert installed["wheel"].stat().st_size < 5_000_000


def test_the_installed_wheel_answers_from_an_empty_folder(
    installed: dict[str, Path], tmp_path: Path
) -> None:
    venv, empty = installed["venv"], tmp_path / "empty"
    empty.mkdir()
    stancekit = venv / "bin" / "stancekit"
    started = time.perf_counter()
    predict = _run(venv, empty, stancekit, "predict", "Sex work is work, and workers need rights.")
    seconds = time.perf_counter() - started
    assert predict.returncode == 0, predict.stderr
    row = json.loads(predict.stdout)
    assert row["label"] == "decriminalisation"
    print(f"stancekit predict from an empty folder: {seconds:.2f} s")

    info = _run(venv, empty, stancekit, "info")
    assert info.returncode == 0, info.stderr
    assert "answered by  packaged" in info.stdout
    assert str(installed["purelib"] / "stancekit" / "default_model") in info.stdout

    models = _run(venv, empty, stancekit, "models")
    assert models.returncode == 0 and models.stdout.startswith("* packaged")

    version = _run(venv, empty, stancekit, "--version")
    assert version.returncode == 0 and version.stdout.startswith("stancekit ")

    library = (
        "import stancekit\n"
        "from stancekit import StancePredictor\n"
        "assert stancekit.__file__.startswith({!r}), stancekit.__file__\n"
        "model = StancePredictor.load()\n"
        "(p,) = model.predict(['Prostitution is violence against women; the buyers must be "
        "criminalised.'])\n"
        "print(p.label)\n"
    ).format(str(installed["purelib"]))
    lib = _run(venv, empty, venv / "bin" / "python", "-c", library)
    assert lib.returncode == 0, lib.stderr
    assert lib.stdout.strip() == "abolitionist"
    assert list(empty.iterdir()) == []  # nothing written where it ran
