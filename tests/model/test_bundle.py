"""Models per language in one model folder: stancekit.model.bundle and the predictor's routing."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from conftest import run_cli
from stancekit import StancePredictor
from stancekit.errors import ModelLoadError
from stancekit.model.bundle import language_folders

FRENCH = "La pénalisation des clients met les travailleuses du sexe en danger, abrogez la loi."
ENGLISH = "Criminalising clients pushes sex workers into danger and away from health services."
ITALIAN = "Chiediamo la depenalizzazione completa del lavoro sessuale e diritti per tutte noi."


def test_a_folder_finds_its_language_subfolders(tiny_bundle: Path) -> None:
    assert list(language_folders(tiny_bundle)) == ["fr"]
    predictor = StancePredictor.load(tiny_bundle)
    assert predictor.languages == ("en", "fr")
    assert predictor.card.language == "en"


def test_each_text_is_scored_by_its_languages_model(tiny_bundle: Path) -> None:
    predictor = StancePredictor.load(tiny_bundle)
    french = StancePredictor.load(tiny_bundle / "fr")
    english_only = StancePredictor.load(tiny_bundle / "fr", language=None)
    proba = predictor.predict_proba([ENGLISH, FRENCH])
    assert proba[1].tolist() == pytest.approx(french.predict_proba([FRENCH])[0].tolist())
    assert english_only.card.language == "fr"
    predictions = predictor.predict([ENGLISH, FRENCH])
    assert [p.language for p in predictions] == ["en", "fr"]
    assert predictions[1].label == "decriminalisation"


def test_a_language_with_no_model_is_unsupported_never_a_side(tiny_bundle: Path) -> None:
    predictor = StancePredictor.load(tiny_bundle)
    proba = predictor.predict_proba([ITALIAN, ENGLISH])
    assert all(math.isnan(v) for v in proba[0])
    assert not any(math.isnan(v) for v in proba[1])
    first = predictor.predict([ITALIAN], threshold=0.5)[0]
    assert first.label == "unsupported" and first.language == "it"


def test_the_french_model_is_loaded_only_when_a_text_needs_it(tiny_bundle: Path) -> None:
    predictor = StancePredictor.load(tiny_bundle)
    predictor.predict([ENGLISH])
    assert "fr" not in predictor.router._models
    predictor.predict([FRENCH])
    assert "fr" in predictor.router._models


def test_language_forces_one_model(tiny_bundle: Path) -> None:
    forced = StancePredictor.load(tiny_bundle, language="fr")
    assert forced.identify([ENGLISH]) == ["fr"]
    with pytest.raises(ModelLoadError, match="it reads en, fr"):
        StancePredictor.load(tiny_bundle, language="it")


def test_a_language_model_with_other_labels_is_refused(
    tiny_bundle: Path, tiny_train_params
) -> None:
    from dataclasses import replace

    from conftest import tiny_rows_fr, write_jsonl
    from stancekit.model.train import train

    corpus = write_jsonl(tiny_bundle.parent / "fr2.jsonl", tiny_rows_fr())
    train(
        replace(tiny_train_params, labels=("decriminalisation", "abolitionist")),
        corpus,
        tiny_bundle / "fr",
        language="fr",
    )
    with pytest.raises(ModelLoadError, match=r"same train\.labels"):
        StancePredictor.load(tiny_bundle).predict([FRENCH])


def test_predict_cli_writes_language_and_empty_probabilities(tiny_bundle: Path) -> None:
    result = run_cli("predict", ENGLISH, FRENCH, ITALIAN, "-m", tiny_bundle, "--format", "jsonl")
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["language"] for r in rows] == ["en", "fr", "it"]
    assert rows[2]["label"] == "unsupported"
    assert rows[2]["p_neutral"] is None and rows[2]["margin"] is None
    assert (
        "warning: 1 paragraph(s) are in a language the model does not read (it 1)" in result.stderr
    )


def test_predict_cli_csv_leaves_unsupported_probabilities_empty(tiny_bundle: Path) -> None:
    result = run_cli("predict", ITALIAN, "-m", tiny_bundle, "--format", "csv")
    assert result.exit_code == 0, result.output
    header, row = result.stdout.splitlines()[:2]
    cells = dict(zip(header.split(","), row.split(","), strict=False))
    assert cells["label"] == "unsupported" and cells["p_neutral"] == "" and cells["margin"] == ""
    assert cells["language"] == "it"


def test_predict_cli_language_option(tiny_bundle: Path) -> None:
    result = run_cli("predict", ITALIAN, "-m", tiny_bundle, "--format", "jsonl", "--language", "fr")
    assert json.loads(result.stdout)["language"] == "fr"
    bad = run_cli("predict", ITALIAN, "-m", tiny_bundle, "--language", "xx")
    assert bad.exit_code == 1
    assert bad.stderr.strip() == (
        "error: the model has no 'xx' model: it reads en, fr. Leave --language out to "
        "identify each paragraph's language."
    )


def test_a_document_of_unsupported_paragraphs_is_unsupported(tiny_bundle: Path) -> None:
    predictor = StancePredictor.load(tiny_bundle)
    (doc,) = predictor.score_documents([("d", ITALIAN + "\n\n" + ITALIAN)])
    assert doc.label == "unsupported"
    (mixed,) = predictor.score_documents([("m", ENGLISH + "\n\n" + ITALIAN)])
    assert mixed.label == "decriminalisation"
    assert mixed.mean_probabilities["decriminalisation"] == pytest.approx(
        predictor.predict_proba([ENGLISH])[0][list(predictor.labels).index("decriminalisation")]
    )


def test_trends_leave_unsupported_paragraphs_out_and_say_so(tiny_bundle: Path, tmp_path) -> None:
    scored = tmp_path / "scored.jsonl"
    rows = [
        {"org": "A", "date": "2020-01-01", "text": ENGLISH},
        {"org": "A", "date": "2020-02-01", "text": ITALIAN},
        {"org": "B", "date": "2020-03-01", "text": FRENCH},
    ]
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    result = run_cli("predict", source, "-m", tiny_bundle, "-o", scored)
    assert result.exit_code == 0, result.output
    import csv

    trends = run_cli("trends", scored, "--by", "org", "--min-docs", "1", "-o", tmp_path / "t")
    assert trends.exit_code == 0, trends.output
    assert (
        "left out 1 paragraph(s) with no stance: a language the model does not read "
        "(unsupported)." in trends.stderr
    )
    with (tmp_path / "t" / "trends.csv").open(encoding="utf-8") as handle:
        cells = list(csv.DictReader(handle))
    assert {c["org"]: c["paragraphs"] for c in cells} == {"A": "1", "B": "1"}
    by_language = run_cli("trends", scored, "--by", "language", "-o", tmp_path / "l")
    assert by_language.exit_code == 0, by_language.output
    with (tmp_path / "l" / "trends.csv").open(encoding="utf-8") as handle:
        assert {c["language"] for c in csv.DictReader(handle)} == {"en", "fr"}


def test_train_data_with_a_language_column_trains_that_language_only(tmp_path, tiny_train_params):
    import csv
    import warnings

    from conftest import tiny_rows, tiny_rows_fr
    from stancekit.errors import StancekitWarning
    from stancekit.model.train import train

    table = tmp_path / "mine.csv"
    with table.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["doc_id", "text", "label", "language"])
        for row in tiny_rows():
            writer.writerow([row["doc_id"], row["text"], row["label"], "en"])
        for row in tiny_rows_fr():
            writer.writerow([row["doc_id"], row["text"], row["label"], "fr"])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        card = train(tiny_train_params, table, tmp_path / "fr", language="fr", with_corpus=False)
    assert card.language == "fr" and card.training_data["rows"] == 24
    (warning,) = [w for w in caught if issubclass(w.category, StancekitWarning)]
    assert str(warning.message) == (
        "left out 24 row(s) in other languages (en 24): this model reads fr; train each "
        "language with --language CODE."
    )
