"""The document prior: stancekit.scoring.batch.document_prior and predict's --paragraph-only."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from conftest import run_cli
from stancekit import StancePredictor
from stancekit.scoring.batch import document_prior


def test_each_row_moves_toward_the_mean_of_the_other_rows_of_its_document() -> None:
    proba = np.array([[0.6, 0.4], [0.2, 0.8], [0.3, 0.7], [0.9, 0.1]])
    moved = document_prior(proba, ["a", "a", "a", "b"], alpha=1.0)
    others = (proba[1] + proba[2]) / 2
    expected = proba[0] * others / (proba[0] * others).sum()
    assert moved[0] == pytest.approx(expected)
    assert moved[3] == pytest.approx(proba[3])  # alone in its document: unchanged
    assert moved.sum(axis=1) == pytest.approx(np.ones(4))


def test_alpha_zero_and_a_single_row_change_nothing() -> None:
    proba = np.array([[0.6, 0.4], [0.2, 0.8]])
    assert document_prior(proba, ["a", "a"], 0.0) is not None
    assert (document_prior(proba, ["a", "a"], 0.0) == proba).all()
    assert (document_prior(proba[:1], ["a"], 0.5) == proba[:1]).all()


def test_rows_in_an_unread_language_neither_get_nor_give_a_prior() -> None:
    proba = np.array([[0.6, 0.4], [np.nan, np.nan], [0.1, 0.9]])
    moved = document_prior(proba, ["a", "a", "a"], alpha=1.0)
    assert all(math.isnan(v) for v in moved[1])
    expected = proba[0] * proba[2] / (proba[0] * proba[2]).sum()
    assert moved[0] == pytest.approx(expected)


def test_predict_uses_the_cards_prior_and_paragraph_only_turns_it_off(
    tiny_model: Path, tmp_path: Path
) -> None:
    document = (
        "Sex work is work, and sex workers deserve labour rights and safety.\n\n"
        "The bill was read a second time on Tuesday and sent to committee.\n\n"
        "Criminalising clients pushes sex workers into danger and away from health services."
    )
    source = tmp_path / "doc.txt"
    source.write_text(document, encoding="utf-8")
    with_prior = run_cli("predict", source, "-m", tiny_model, "--format", "jsonl")
    alone = run_cli("predict", source, "-m", tiny_model, "--format", "jsonl", "--paragraph-only")
    assert with_prior.exit_code == 0 and alone.exit_code == 0, with_prior.output + alone.output
    prior_rows = [json.loads(line) for line in with_prior.stdout.splitlines()]
    alone_rows = [json.loads(line) for line in alone.stdout.splitlines()]
    predictor = StancePredictor.load(tiny_model)
    assert predictor.document_prior == 0.5  # train.document_prior, recorded in the card
    texts = [row["text"] for row in alone_rows]
    single = predictor.predict_proba(texts)
    labels = list(predictor.labels)
    for row, p in zip(alone_rows, single, strict=True):
        assert [row[f"p_{label}"] for label in labels] == pytest.approx(p.tolist(), abs=1e-6)
    moved = document_prior(single, ["d"] * 3, 0.5)
    for row, p in zip(prior_rows, moved, strict=True):
        assert [row[f"p_{label}"] for label in labels] == pytest.approx(p.tolist(), abs=1e-6)
    # the neutral procedural paragraph leans toward its decriminalisation document
    i = labels.index("decriminalisation")
    assert prior_rows[1][f"p_{labels[i]}"] > alone_rows[1][f"p_{labels[i]}"]


def test_the_whole_table_route_applies_the_same_prior(tiny_model: Path, tmp_path: Path) -> None:
    import pandas as pd
    import pyarrow.parquet as pq

    from conftest import StreamingEngine
    from stancekit.scoring.run import predict_inputs

    text = (
        "Prostitution is violence against women and the sex buyer must be criminalised.\n\n"
        "The court adjourned the hearing until March."
    )
    source = tmp_path / "in.parquet"
    pd.DataFrame({"id": ["a", "b"], "text": [text, "ENDS"]}).to_parquet(source, index=False)
    predict_inputs([str(source)], model=tiny_model, output=tmp_path / "table.parquet")
    predict_inputs(
        [str(source)],
        model=tiny_model,
        output=tmp_path / "stream.parquet",
        engine=StreamingEngine(),
    )
    table = pq.read_table(tmp_path / "table.parquet").to_pylist()
    stream = pq.read_table(tmp_path / "stream.parquet").to_pylist()
    assert table == stream
