"""The portable files: written by train, loaded without unpickling, checked against a schema."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from conftest import assert_one_error_line, run_cli, tiny_rows
from stancekit.errors import ModelLoadError, UntrustedModelError
from stancekit.model.locate import ARRAYS_FILE, CARD_FILE, MODEL_FILE, PORTABLE_FILE
from stancekit.model.persist import ModelCard, load_model, save_model
from stancekit.model.portable.files import load_portable
from stancekit.scoring.predictor import StancePredictor

PROBE = ["Decriminalise sex work now.", "End demand and criminalise the buyers.", "Café ÉND"]


def _header(model_dir: Path) -> dict:
    return json.loads((model_dir / PORTABLE_FILE).read_text(encoding="utf-8"))


def _write_header(model_dir: Path, header: dict) -> None:
    (model_dir / PORTABLE_FILE).write_text(json.dumps(header), encoding="utf-8")


def _arrays(model_dir: Path) -> dict[str, np.ndarray]:
    with np.load(model_dir / ARRAYS_FILE, allow_pickle=False) as npz:
        return {name: npz[name] for name in npz.files}


def _write_arrays(model_dir: Path, arrays: dict) -> None:
    with open(model_dir / ARRAYS_FILE, "wb") as handle:
        np.savez(handle, **arrays)


def test_train_writes_portable_files_and_their_hashes(tiny_model: Path) -> None:
    card = json.loads((tiny_model / CARD_FILE).read_text(encoding="utf-8"))
    assert set(card["portable"]) == {PORTABLE_FILE, ARRAYS_FILE}
    header = _header(tiny_model)
    assert header["portable"] is True and header["format_version"] == 1
    assert header["classes"] == card["labels"]
    assert len(header["terms"]) == _arrays(tiny_model)["coef"].shape[1]


def test_round_trip_equals_the_pipeline(tiny_model: Path) -> None:
    pipeline, _ = load_model(tiny_model, trust_pickle=True)
    portable = StancePredictor.load(tiny_model)
    assert type(portable.pipeline).__name__ == "PortableModel"
    expected = pipeline.predict_proba(PROBE)
    assert np.abs(portable.predict_proba(PROBE) - expected).max() <= 1e-12
    trusted = StancePredictor.load(tiny_model, trust_pickle=True)
    assert type(trusted.pipeline).__name__ == "Pipeline"
    assert [p.label for p in portable.predict(PROBE)] == [p.label for p in trusted.predict(PROBE)]


def test_the_portable_files_alone_are_a_model(tiny_model: Path) -> None:
    (tiny_model / MODEL_FILE).unlink()
    assert StancePredictor.load(tiny_model).predict(PROBE)[0].label
    result = run_cli("info", "--model", tiny_model)
    assert result.exit_code == 0, result.output
    assert "portable (model.json + model.npz" in result.stdout


@pytest.mark.parametrize(
    ("change", "named"),
    [
        (lambda h: h.pop("terms"), "missing key 'terms'"),
        (lambda h: h.update(extra=1), "unexpected key 'extra'"),
        (lambda h: h.update(classes="abolitionist"), "key 'classes' should be"),
        (lambda h: h.update(format_version=2), "key 'format_version' has unknown value 2"),
        (lambda h: h.update(format_version=True), "key 'format_version' should be"),
        (lambda h: h.update(calibration="platt"), "key 'calibration' has unknown value"),
        (lambda h: h["vectorizer"].pop("lowercase"), "missing key 'vectorizer.lowercase'"),
        (lambda h: h["vectorizer"].update(norm=2), "key 'vectorizer.norm' should be"),
        (lambda h: h["vectorizer"].update(analyzer="custom"), "'vectorizer.analyzer' has unknown"),
        (lambda h: h.update(vectorizer=[]), "key 'vectorizer' should be an object"),
        (lambda h: h["terms"].append("extra term"), "has shape"),
        (lambda h: h.update(portable=False), "unexpected key 'calibration'"),
    ],
)
def test_header_schema_violations_are_named(tiny_model: Path, change, named: str) -> None:
    header = _header(tiny_model)
    change(header)
    _write_header(tiny_model, header)
    with pytest.raises(ModelLoadError, match=named.replace("(", r"\(")):
        load_portable(tiny_model)


@pytest.mark.parametrize(
    ("change", "named"),
    [
        (lambda a: a.pop("coef"), "missing array 'coef'"),
        (lambda a: a.update(extra=np.zeros(3)), "unexpected array 'extra'"),
        (lambda a: a.update(intercept=np.zeros(7)), "array 'intercept' has shape"),
        (lambda a: a.update(idf=a["idf"].astype(np.int64)), "array 'idf' has dtype"),
        (lambda a: a.update(calibration_a=np.full(3, np.nan)), "'calibration_a' holds NaN"),
    ],
)
def test_array_schema_violations_are_named(tiny_model: Path, change, named: str) -> None:
    arrays = _arrays(tiny_model)
    change(arrays)
    _write_arrays(tiny_model, arrays)
    with pytest.raises(ModelLoadError, match=named):
        load_portable(tiny_model)


def test_an_object_array_is_never_unpickled(tiny_model: Path) -> None:
    arrays = _arrays(tiny_model)
    arrays["coef"] = np.array([object()], dtype=object)
    _write_arrays(tiny_model, arrays)
    with pytest.raises(ModelLoadError, match="cannot be read"):
        load_portable(tiny_model)


def test_replaced_portable_file_fails_its_card_hash(tiny_model: Path) -> None:
    arrays = _arrays(tiny_model)
    arrays["intercept"] = arrays["intercept"] + 1.0
    _write_arrays(tiny_model, arrays)
    with pytest.raises(ModelLoadError, match="does not match the hash in its card"):
        StancePredictor.load(tiny_model)


def test_garbage_portable_files_give_one_line(tiny_model: Path) -> None:
    card = json.loads((tiny_model / CARD_FILE).read_text(encoding="utf-8"))
    card["portable"] = None
    (tiny_model / CARD_FILE).write_text(json.dumps(card), encoding="utf-8")
    (tiny_model / ARRAYS_FILE).write_bytes(b"PK\x03\x04 not a zip")
    assert_one_error_line(run_cli("predict", "Some text.", "--model", tiny_model), "model.npz")
    (tiny_model / PORTABLE_FILE).write_text("{", encoding="utf-8")
    assert_one_error_line(run_cli("predict", "Some text.", "--model", tiny_model), "model.json")


def test_a_joblib_only_model_needs_trust(tiny_model: Path) -> None:
    (tiny_model / PORTABLE_FILE).unlink()
    (tiny_model / ARRAYS_FILE).unlink()
    with pytest.raises(UntrustedModelError, match="--trust-pickle"):
        StancePredictor.load(tiny_model)
    result = run_cli("predict", "Some text.", "--model", tiny_model)
    assert_one_error_line(result, "--trust-pickle")
    assert "retrain with `stancekit train`" in result.stderr
    trusted = run_cli(
        "predict", "Some text.", "--model", tiny_model, "--trust-pickle", "-f", "jsonl"
    )
    assert trusted.exit_code == 0, trusted.output
    assert json.loads(trusted.stdout.splitlines()[0])["label"]
    assert "needs --trust-pickle" in run_cli("info", "--model", tiny_model).stdout


def test_load_model_refuses_without_trust(tiny_model: Path) -> None:
    with pytest.raises(UntrustedModelError, match="runs any code"):
        load_model(tiny_model)


def test_a_model_the_format_cannot_hold_is_pipeline_only(tmp_path: Path) -> None:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline

    rows = tiny_rows()
    pipeline = Pipeline(
        [
            ("tfidf", TfidfVectorizer(tokenizer=str.split, token_pattern=None)),
            ("clf", LogisticRegression()),
        ]
    ).fit([r["text"] for r in rows], [r["label"] for r in rows])
    labels = [str(c) for c in pipeline.classes_]
    card = save_model(
        pipeline,
        ModelCard(labels, {}, {"files": {}, "rows": 24, "documents": 8, "rows_per_label": {}}),
        tmp_path,
    )
    assert set(card.portable) == {PORTABLE_FILE}
    assert not (tmp_path / ARRAYS_FILE).exists()
    header = _header(tmp_path)
    assert header["portable"] is False and "tokenizer" in header["reason"]
    with pytest.raises(UntrustedModelError, match=r"tokenizer.*--trust-pickle"):
        StancePredictor.load(tmp_path)
    result = run_cli("explain", "Some text.", "--model", tmp_path)
    assert_one_error_line(result, "--trust-pickle")
    trusted = StancePredictor.load(tmp_path, trust_pickle=True)
    assert trusted.predict(["Sex work is work."])[0].label in labels
    for args in (["--data", "x.jsonl"], []):
        text = run_cli("evaluate", *args, "--model", tmp_path, "--help").stdout
        assert "--trust-pickle" in text


def test_the_same_model_gives_byte_identical_files(tiny_model: Path, tmp_path: Path) -> None:
    import time

    from stancekit.model.portable.export import save_portable

    pipeline, _ = load_model(tiny_model, trust_pickle=True)
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = save_portable(pipeline, tmp_path / "a")
    time.sleep(2.1)  # zip timestamps have a 2-second resolution
    second = save_portable(pipeline, tmp_path / "b")
    assert first == second == json.loads((tiny_model / CARD_FILE).read_text())["portable"]
