"""stancekit.model.locate and stancekit.model.packaged: which model answers (--model,
$STANCEKIT_MODEL, the project's models/, the packaged default), `stancekit models`, and refreshing
the packaged copy."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import run_cli
from stancekit import StancePredictor
from stancekit.errors import ModelLoadError, ModelNotFoundError, UsageError
from stancekit.model import locate
from stancekit.model.locate import locate_model
from stancekit.model.packaged import main as refresh_main
from stancekit.model.packaged import refresh


@pytest.fixture
def places(tiny_model: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    """A packaged default, a project with a model, and a folder outside any project."""
    packaged = tmp_path / "site" / "default_model"
    refresh(tiny_model, packaged)
    monkeypatch.setattr(locate, "PACKAGED_DIR", packaged)
    project = tmp_path / "project"
    shutil.copytree(tiny_model, project / "models")
    (project / "dvc.yaml").write_text("stages: {}\n", encoding="utf-8")
    (project / "notebooks").mkdir()
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    monkeypatch.delenv("STANCEKIT_MODEL", raising=False)
    return {"packaged": packaged, "project": project, "outside": outside, "env": tiny_model}


def test_the_fallback_order(places: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(places["project"] / "notebooks")
    named = places["outside"] / "mine"
    assert locate_model(named).origin == "--model" and locate_model(named).folder == named
    monkeypatch.setenv("STANCEKIT_MODEL", str(places["env"]))
    assert locate_model(None).origin == "$STANCEKIT_MODEL"
    assert locate_model(named).origin == "--model"  # --model beats the environment
    monkeypatch.delenv("STANCEKIT_MODEL")
    source = locate_model(None)
    assert (source.origin, source.folder) == ("project", places["project"] / "models")
    monkeypatch.chdir(places["outside"])
    source = locate_model(None)
    assert (source.origin, source.folder) == ("packaged", places["packaged"])
    assert "installed with stancekit" in source.reason
    assert StancePredictor.load().labels  # the library falls back too
    # a project whose models/ is not built yet falls back to the packaged model as well
    shutil.rmtree(places["project"] / "models")
    monkeypatch.chdir(places["project"])
    assert locate_model(None).origin == "packaged"


def test_a_named_folder_never_falls_back(
    places: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(places["outside"])
    monkeypatch.setenv("STANCEKIT_MODEL", str(places["outside"] / "typo"))
    with pytest.raises(ModelNotFoundError, match="typo"):
        StancePredictor.load()


def test_without_a_packaged_model_the_error_names_models(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(locate, "PACKAGED_DIR", tmp_path / "none")
    monkeypatch.delenv("STANCEKIT_MODEL", raising=False)
    monkeypatch.chdir(tmp_path)
    assert locate_model(None).folder == Path("models")
    with pytest.raises(ModelNotFoundError, match="no trained model in models/"):
        StancePredictor.load()


def test_info_and_models_say_which_model_answered(
    places: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(places["project"])
    info = run_cli("info")
    assert info.exit_code == 0, info.output
    assert "answered by  project: no --model or $STANCEKIT_MODEL" in info.stdout
    listing = run_cli("models")
    assert listing.exit_code == 0, listing.output
    lines = listing.stdout.splitlines()
    assert lines[0].startswith("* project") and lines[2].startswith("  packaged")
    assert "languages en; data sha256 " in lines[1] and "paragraphs" in lines[1]
    monkeypatch.chdir(places["outside"])
    info = run_cli("info", "--json")
    assert '"origin": "packaged"' in info.stdout
    listing = run_cli("models", "--model", places["outside"] / "none")
    assert listing.stdout.startswith("* --model") and "no model" in listing.stdout


def test_refresh_copies_only_the_portable_files_and_only_when_they_change(
    tiny_bundle: Path, tmp_path: Path
) -> None:
    dest = tmp_path / "default_model"
    changed = refresh(tiny_bundle, dest)
    assert "+ model.json" in changed and "+ fr/model.npz" in changed
    assert not list(dest.rglob("*.joblib"))
    stamp = (dest / "model.npz").stat().st_mtime_ns
    assert refresh(tiny_bundle, dest) == []
    assert (dest / "model.npz").stat().st_mtime_ns == stamp
    # a language no longer built is removed
    shutil.rmtree(tiny_bundle / "fr")
    assert "- fr/model.json" in refresh(tiny_bundle, dest)
    assert not (dest / "fr").exists()
    assert StancePredictor.load(dest).languages == ("en",)


def test_refresh_refuses_a_half_built_model_and_a_stranger_folder(
    tiny_model: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dest = tmp_path / "default_model"
    refresh(tiny_model, dest)
    before = (dest / "model.npz").read_bytes()
    (tiny_model / "model.npz").write_bytes(b"half written")
    with pytest.raises(ModelLoadError, match="does not match its card"):
        refresh(tiny_model, dest)
    assert (dest / "model.npz").read_bytes() == before
    with pytest.raises(UsageError, match="not a model file"):
        refresh(tiny_model, tmp_path)  # holds the tiny corpus: never wiped
    assert refresh_main([str(tmp_path / "nothing"), str(dest)]) == 1
    assert capsys.readouterr().err.startswith("error: no trained model")
