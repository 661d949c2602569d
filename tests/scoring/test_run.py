"""stancekit.scoring.run: the library entry point behind predict and explain, called from Python."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from stancekit.errors import InputError, UsageError
from stancekit.scoring.core import score_documents
from stancekit.scoring.engines import LocalEngine
from stancekit.scoring.predictor import StancePredictor
from stancekit.scoring.read import SourceOptions
from stancekit.scoring.run import explain_inputs, predict_inputs

TEXTS = [
    "Sex work is work, and sex workers deserve labour rights.\n\nThe court adjourned.",
    "The Nordic model punishes pimps and buyers, never the victims.",
]


def test_predict_inputs_writes_a_file_and_returns_the_run(tiny_model: Path, tmp_path: Path) -> None:
    out = tmp_path / "scores.csv"
    run = predict_inputs(TEXTS, model=tiny_model, output=out, threshold=0.5)
    assert (run.rows, run.output, run.output_format) == (3, out, "csv")
    assert (run.stats.documents, run.stats.units) == (2, 3)
    header, *rows = out.read_text(encoding="utf-8").splitlines()
    assert header.startswith("doc_id,paragraph_index,label,p_abolitionist,p_decriminalisation")
    assert [r.split(",")[:2] for r in rows] == [["text-1", "0"], ["text-1", "1"], ["text-2", "0"]]


def test_predict_inputs_to_a_stream_matches_the_predictor(tiny_model: Path) -> None:
    predictor = StancePredictor.load(tiny_model)
    stdout = io.StringIO()
    run = predict_inputs(TEXTS[1:], model=predictor, output_format="jsonl", stdout=stdout)
    (row,) = [json.loads(line) for line in stdout.getvalue().splitlines()]
    (expected,) = predictor.predict(TEXTS[1:])
    assert run.output is None and run.rows == 1
    assert row["label"] == expected.label
    assert row["p_abolitionist"] == pytest.approx(expected.probabilities["abolitionist"])


def test_predict_inputs_aggregates_and_reads_stdin(tiny_model: Path) -> None:
    stdout = io.StringIO()
    run = predict_inputs(
        ["-"],
        model=tiny_model,
        output_format="jsonl",
        aggregate=True,
        source_options=SourceOptions(lines=True),
        stdin=io.StringIO("Sex work is work.\nEnd demand now.\n"),
        stdout=stdout,
    )
    ids = [json.loads(line)["doc_id"] for line in stdout.getvalue().splitlines()]
    assert run.rows == 2 and ids == ["stdin:1", "stdin:2"]


class CountingEngine(LocalEngine):
    """An engine object, as a cluster engine would be passed: counts the batches it runs."""

    def __init__(self) -> None:
        self.batches = 0

    def map(self, function, tasks):
        for args in tasks:
            assert function is score_documents
            self.batches += 1
            yield function(*args)


def test_the_engine_is_a_parameter(tiny_model: Path) -> None:
    engine, local = CountingEngine(), io.StringIO()
    predict_inputs(TEXTS, model=tiny_model, output_format="csv", batch_size=1, stdout=local)
    other = io.StringIO()
    predict_inputs(
        TEXTS, model=tiny_model, output_format="csv", batch_size=1, engine=engine, stdout=other
    )
    # batches hold whole documents: the first text's two paragraphs are one batch
    assert engine.batches == 2 and other.getvalue() == local.getvalue()
    joblib_out = io.StringIO()
    predict_inputs(TEXTS, model=tiny_model, output_format="csv", engine="joblib", stdout=joblib_out)
    assert joblib_out.getvalue() == local.getvalue()


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"output_format": "xml"}, "--format: 'xml' is not one of auto, table"),
        ({"output": "x.unknown"}, "cannot tell the format from 'x.unknown'"),
        ({"output_format": "parquet"}, "--format parquet is binary"),
        ({"unit": "sentence"}, "--unit: 'sentence' is not paragraph or document"),
        ({"jobs": 0}, "--jobs: 0 is not a number of workers"),
        ({"batch_size": 0}, "--batch-size: 0"),
        ({"threshold": 1.5}, "--threshold: 1.5"),
        ({"engine": "spark"}, "engine: 'spark' is not one of local, joblib, dask."),
        ({"engine": "dask"}, "--engine dask writes a Parquet dataset: give -o OUT_DIR"),
        ({"scheduler": "tcp://127.0.0.1:1"}, "--scheduler needs --engine dask"),
    ],
)
def test_options_are_checked_before_the_model_is_loaded(options: dict, message: str) -> None:
    with pytest.raises(UsageError, match=message.replace("(", r"\(")):
        predict_inputs(["text"], model="/no/such/model", stdout=io.StringIO(), **options)


def test_output_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="is a folder"):
        predict_inputs(["text"], model="/no/such/model", output=tmp_path)


def test_nothing_to_score_leaves_no_file(tiny_model: Path, tmp_path: Path) -> None:
    out = tmp_path / "empty.jsonl"
    with pytest.raises(InputError, match="nothing to score"):
        predict_inputs(["", "  "], model=tiny_model, output=out)
    assert not out.exists()


def test_explain_inputs_and_page(tiny_model: Path, tmp_path: Path) -> None:
    page = tmp_path / "why.html"
    run = explain_inputs(TEXTS, model=tiny_model, html=page, top=3)
    assert [(i.unit.doc_id, i.unit.paragraph_index) for i in run.items] == [
        ("text-1", 0),
        ("text-1", 1),
        ("text-2", 0),
    ]
    first = run.items[0]
    assert first.prediction.label == "decriminalisation"
    assert first.explanation.top("decriminalisation", 1)[0][1] > 0
    text = page.read_text(encoding="utf-8")
    assert run.html == page and text.count("<section>") == 3
    titles = [line.split("</h2>")[0] for line in text.split("<section><h2>")[1:]]
    assert titles == ["text-1 #0", "text-1 #1", "text-2 #0"]
    with pytest.raises(InputError, match="nothing to explain"):
        explain_inputs([""], model=tiny_model)


def test_paragraph_rows_carry_the_date_line_and_pass_through_org(
    tiny_model: Path, tmp_path: Path
) -> None:
    stream = io.StringIO()
    predict_inputs(
        ["date 2016-10-10\nSex work is work.\n\nThe court adjourned."],
        model=tiny_model,
        output_format="jsonl",
        stdout=stream,
    )
    rows = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert [row["date"] for row in rows] == ["2016-10-10", "2016-10-10"]


@pytest.mark.parametrize("column", [None, "published"])
def test_a_tables_date_column_becomes_the_rows_date(
    tiny_model: Path, tmp_path: Path, column: str | None
) -> None:
    name = column or "date"
    table = tmp_path / "articles.csv"
    table.write_text(
        f"org,{name},text\nSWAN,2019-03-01T10:00,Sex work is work.\n"
        f"EWL,2020-01-02,End demand now.\n",
        encoding="utf-8",
    )
    stream = io.StringIO()
    predict_inputs(
        [str(table)],
        model=tiny_model,
        output_format="jsonl",
        source_options=SourceOptions(date_column=column),
        stdout=stream,
    )
    rows = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert [(r["org"], r["date"]) for r in rows] == [("SWAN", "2019-03-01"), ("EWL", "2020-01-02")]
    assert not any(key.endswith(name) and key != "date" for key in rows[0])


def test_a_missing_date_column_is_named(tiny_model: Path, tmp_path: Path) -> None:
    table = tmp_path / "articles.csv"
    table.write_text("org,text\nSWAN,Sex work is work.\n", encoding="utf-8")
    with pytest.raises(InputError, match="--date-column"):
        predict_inputs(
            [str(table)],
            model=tiny_model,
            output_format="jsonl",
            source_options=SourceOptions(date_column="published"),
            stdout=io.StringIO(),
        )
