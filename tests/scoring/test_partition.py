"""stancekit.scoring.partition: one table partition scored at once, as stancekit predict scores
it."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import StreamingEngine
from stancekit.errors import InputError
from stancekit.scoring.columns import ROW_COLUMN, SOURCE_COLUMN, arrow_schema, output_columns
from stancekit.scoring.frames import frame_columns
from stancekit.scoring.options import ScoreOptions
from stancekit.scoring.partition import score_partition
from stancekit.scoring.predictor import StancePredictor
from stancekit.scoring.rows import ScoringStats, Tally
from stancekit.scoring.run import predict_inputs

ROWS = [
    {"id": "a", "year": "2001", "text": "Sex work is work.\n\nEnd demand: criminalise buyers."},
    {"id": "b", "year": "2002", "text": ""},
    {"id": "c", "year": "2003", "text": "zzz qqq"},
    {"id": "d", "year": "", "text": "date 2020-01-01 The court adjourned.\n\nPimps exploit women."},
]


def _records(table) -> list[dict]:
    return table.to_pylist()


def _expected(path: Path, model: Path, tmp: Path, **options) -> list[dict]:
    import pyarrow.parquet as pq

    out = tmp / "expected.parquet"
    options.setdefault("engine", StreamingEngine())  # the record-by-record path, not partitions
    predict_inputs([str(path)], model=model, output=out, **options)
    return pq.read_table(out).to_pylist()


@pytest.mark.parametrize("unit", ["paragraph", "document"])
@pytest.mark.parametrize("explain", [0, 2])
def test_partition_rows_equal_predict_parquet(
    tiny_model: Path, tmp_path: Path, unit: str, explain: int
) -> None:
    import pandas as pd

    path = tmp_path / "in.csv"
    pd.DataFrame(ROWS).to_csv(path, index=False)
    expected = _expected(path, tiny_model, tmp_path, unit=unit, explain=explain, threshold=0.5)
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    result = score_partition(
        frame_columns(frame),
        StancePredictor.load(tiny_model),
        ScoreOptions(unit=unit, explain=explain, threshold=0.5),
        source=str(path),
    )
    assert result.table.column_names == list(expected[0])
    assert _records(result.table) == expected
    units = 3 if unit == "document" else 5
    assert (result.stats.documents, result.stats.units, result.stats.empty.count) == (4, units, 1)
    assert result.stats.unknown.count == 1 and result.stats.empty.examples == [f"{path}:2"]


def test_arrow_table_ids_from_the_id_column_and_hidden_columns(tiny_model: Path) -> None:
    import pyarrow as pa

    predictor = StancePredictor.load(tiny_model)
    table = pa.Table.from_pylist(ROWS)
    by_id = score_partition(table, predictor, ScoreOptions(id_column="id")).table
    assert by_id["doc_id"].to_pylist() == ["a", "a", "c", "d", "d"]
    assert by_id["paragraph_index"].to_pylist() == [0, 1, 0, 0, 1]
    hidden = table.append_column(SOURCE_COLUMN, pa.array(["f.csv"] * 4)).append_column(
        ROW_COLUMN, pa.array([7, 8, 9, 10])
    )
    scored = score_partition(hidden, predictor).table
    assert scored["doc_id"].to_pylist()[:3] == ["f.csv:7", "f.csv:7", "f.csv:9"]
    assert SOURCE_COLUMN not in scored.column_names and ROW_COLUMN not in scored.column_names


def test_labels_match_predict_proba_and_the_threshold(tiny_model: Path) -> None:
    import pandas as pd

    predictor = StancePredictor.load(tiny_model)
    texts = ["Sex work is work.", "End demand now: criminalise the buyers.", "The court met."]
    sure = ScoreOptions(threshold=0.99)
    table = frame_columns(pd.DataFrame({"text": texts}))
    scored = score_partition(table, predictor, sure).table
    proba = predictor.predict_proba(texts)
    assert scored["p_abolitionist"].to_pylist() == [round(v, 6) for v in proba[:, 0].tolist()]
    assert set(scored["label"].to_pylist()) == {"uncertain"}  # nothing reaches 0.99 here
    plain = score_partition(table, predictor).table
    assert plain["label"].to_pylist() == [r.label for r in predictor.predict(texts)]


def test_errors_name_the_source(tiny_model: Path) -> None:
    import pandas as pd

    predictor = StancePredictor.load(tiny_model)
    with pytest.raises(InputError, match=r"part-3: no column 'body' \(--text-column\)"):
        body = ScoreOptions(text_column="body")
        score_partition(frame_columns(pd.DataFrame(ROWS)), predictor, body, source="part-3")
    with pytest.raises(InputError, match="row 2 has no value for --id-column 'id'"):
        score_partition(
            frame_columns(pd.DataFrame({"id": ["x", ""], "text": ["a b", "c d"]})),
            predictor,
            ScoreOptions(id_column="id"),
        )
    with pytest.raises(InputError, match="holds a JSON list"):
        score_partition(frame_columns(pd.DataFrame({"text": [["a"]]})), predictor)


def test_an_empty_partition_has_the_output_columns(tiny_model: Path) -> None:
    import pandas as pd

    predictor = StancePredictor.load(tiny_model)
    frame = pd.DataFrame({"text": ["", "  "], "n": ["1", "2"]})
    result = score_partition(frame_columns(frame), predictor)
    assert result.table.num_rows == 0
    assert result.table.column_names == output_columns(predictor.labels, ["text", "n"])
    empty = Tally(2, ["partition:1", "partition:2"])
    assert result.stats == ScoringStats(documents=2, units=0, empty=empty)


def test_stats_add_up() -> None:
    a = ScoringStats(3, 4, Tally(1, ["x:1"]), Tally(), max_chars=50)
    b = ScoringStats(2, 2, Tally(2, ["y:1", "y:2"]), Tally(1, ["y:3#0"]), max_chars=50)
    total = sum([a, b], ScoringStats())
    counts = (total.documents, total.units, total.empty.count, total.unknown.count)
    assert counts == (5, 6, 3, 1)
    assert total.empty.examples == ["x:1", "y:1", "y:2"] and total.max_chars == 50
    many = sum([ScoringStats(1, 0, Tally(3, list("abc")))] * 3, ScoringStats())
    assert (many.empty.count, many.empty.describe()) == (9, "a, b, c, a, b ...")


def test_long_paragraphs_are_split_as_predict_splits_them(tiny_model: Path, tmp_path: Path) -> None:
    import pandas as pd

    rows = [{"id": "long", "text": "Sex work is work. " * 40}, {"id": "short", "text": "Pimps."}]
    path = tmp_path / "in.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    expected = _expected(path, tiny_model, tmp_path, max_chars=100)
    result = score_partition(
        frame_columns(pd.read_csv(path, dtype=str, keep_default_na=False)),
        StancePredictor.load(tiny_model),
        ScoreOptions(max_chars=100),
        source=str(path),
    )
    assert _records(result.table) == expected
    assert len(expected) == 9  # 720 characters in pieces of at most 100, and the short one
    assert (result.stats.split.count, result.stats.split.examples) == (1, [f"{path}:1"])
    assert result.stats.max_chars == 100
    total = result.stats + result.stats
    assert (total.split.count, total.split.examples) == (2, [f"{path}:1", f"{path}:1"])


def test_a_pandas_partition_reads_the_same_as_arrow() -> None:
    """The pandas edge keeps every cell as it is (mixed JSON values, ints beside floats, objects
    with other keys, timestamps) and missing cells (None, NaN) as null; scored rows come back with
    the dtypes of Dask's meta."""
    import pandas as pd
    import pyarrow as pa

    from stancekit.scoring.columns import empty_frame
    from stancekit.scoring.frames import pandas_rows

    cells = {
        "text": ["a", None, float("nan"), "d"],
        "mixed": ["x", 5, ["y", 1], {"k": None}],
        "numbers": [1, 2.5, None, 3],
        "objects": [{"a": 1}, {"b": 2}, None, {}],
        "when": [pd.Timestamp("2020-01-02")] * 4,
    }
    table = frame_columns(pd.DataFrame(cells, dtype=object))
    expected = {name: [None if v != v else v for v in values] for name, values in cells.items()}
    assert {name: table.column(name).to_pylist() for name in table.column_names} == expected
    assert [type(v) for v in table.column("numbers").to_pylist()] == [int, float, type(None), int]
    names = output_columns(("neutral",), ["text", "n"])
    rows = pandas_rows(pa.Table.from_pylist([], schema=arrow_schema(names)))
    assert rows.dtypes.to_dict() == empty_frame(names).dtypes.to_dict()


@pytest.mark.parametrize("unit", ["paragraph", "document"])
def test_batches_of_whole_documents_give_the_rows_of_one_batch(
    tiny_bundle: Path, monkeypatch: pytest.MonkeyPatch, unit: str
) -> None:
    """A partition scored a few units at a time (never splitting a document, even one whose
    rows are apart) has the rows and stats of one batch: languages, the document prior, labels,
    explanations, unknown-word units."""
    from dataclasses import replace

    import pyarrow as pa

    import stancekit.scoring.core as core
    from stancekit.scoring.batch import score_batch

    predictor = StancePredictor.load(tiny_bundle)
    predictor.document_prior = 0.7
    texts = [
        "Sex work is work.\n\nLa pénalisation des clients met les travailleuses en danger.",
        "zzz qqq\n\nEnd demand: criminalise the buyers.\n\nOk.",
        "",
        "Chiediamo la depenalizzazione completa del lavoro sessuale.\n\nPimps exploit women.",
        "Decriminalisation lets workers report violence to police.",
    ] * 3
    ids = [f"{k}{'a' if i % 5 in (0, 3) else i}" for k in "xyz" for i in range(5)]
    table = pa.table({"id": ids, "text": texts})  # rows 0 and 3 of each five: one document
    options = ScoreOptions(id_column="id", unit=unit, threshold=0.4, explain=2)
    whole = score_partition(table, predictor, options)
    sizes: list[int] = []

    def counted(pipeline, texts, *args):
        sizes.append(len(texts))
        return score_batch(pipeline, texts, *args)

    monkeypatch.setattr(core, "score_batch", counted)
    batched = score_partition(table, predictor, replace(options, batch_size=2))
    assert batched.table.equals(whole.table) and batched.stats == whole.stats
    assert len(sizes) > 2 and sum(sizes) == whole.table.num_rows
