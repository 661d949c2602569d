"""The annotation session: paragraphs read as predict reads them, rows in the contract's
schema, the model's guess recorded, prequential accuracy, background retraining."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import pytest

from conftest import ABOL, DECRIM, NEUTRAL, tiny_rows
from stancekit.annotate.items import neighbours, read_items
from stancekit.annotate.retrain import Corpus, cross_validate, read_corpus_rows
from stancekit.annotate.run import annotate, corpus_paths
from stancekit.annotate.session import AnnotationSession
from stancekit.annotate.store import AnswerStore
from stancekit.errors import DataError, InputError, StancekitError, UsageError
from stancekit.labels import LABELS
from stancekit.scoring.predictor import StancePredictor

CONTRACT = {
    "doc_id", "paragraph_index", "text", "label", "source", "origin", "date", "genre", "voice",
    "country", "year", "language", "annotator", "timestamp", "model_probabilities", "picked_by",
    "model_round",
}  # fmt: skip


@pytest.fixture
def texts(tmp_path: Path) -> Path:
    folder = tmp_path / "texts"
    folder.mkdir()
    (folder / "a.txt").write_text(f"{DECRIM[0]}\n\n{ABOL[0]}\n\n{NEUTRAL[0]}\n", encoding="utf-8")
    (folder / "b.md").write_text(f"date 2024-03-01\n\n{ABOL[1]}\n\n{DECRIM[1]}\n", encoding="utf-8")
    return folder


def session_for(texts: Path, model: Path, out: Path, **options) -> AnnotationSession:
    return AnnotationSession(
        read_items([str(texts)]), AnswerStore(out), StancePredictor.load(model), annotator="me",
        **options,
    )  # fmt: skip


def test_items_are_numbered_as_predict_numbers_paragraphs(texts: Path, tiny_model: Path) -> None:
    from stancekit.scoring.run import predict_inputs

    items = read_items([str(texts), "An inline text.", "Another one."])
    scored = texts.parent / "scored.jsonl"
    predict_inputs([str(texts)], model=tiny_model, output=scored)
    predicted = [json.loads(line) for line in scored.read_text().splitlines()]
    assert [(i.doc_id, i.paragraph_index, i.text) for i in items[:5]] == [
        (p["doc_id"], p["paragraph_index"], p["text"]) for p in predicted
    ]
    assert [i.source for i in items] == ["a.txt"] * 3 + ["b.md"] * 2 + ["inline"] * 2
    assert [i.doc_id for i in items[5:]] == ["text-1", "text-2"]
    assert items[3].date == "2024-03-01"
    assert neighbours(items, 1) == ([DECRIM[0]], [NEUTRAL[0]])
    assert neighbours(items, 3) == ([], [DECRIM[1]])  # not the other document's paragraphs
    with pytest.raises(InputError, match="nothing to annotate"):
        read_items([""])


def test_a_table_gives_its_title_column(tmp_path: Path) -> None:
    table = tmp_path / "posts.jsonl"
    table.write_text(json.dumps({"id": "p1", "title": "A post", "text": "One.\n\nTwo."}) + "\n")
    from stancekit.scoring.read import SourceOptions

    items = read_items([str(table)], SourceOptions(id_column="id"))
    assert [(i.key, i.title, i.source) for i in items] == [
        ("p1#0", "A post", "posts.jsonl"),
        ("p1#1", "A post", "posts.jsonl"),
    ]


def test_answers_are_rows_of_the_contract_with_the_guess_shown(
    texts: Path, tiny_model: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out.jsonl"
    session = session_for(texts, tiny_model, out, retrain_every=0)
    shown = session.current()
    assert shown is not None and shown["text"] in (DECRIM + ABOL + NEUTRAL)
    assert "".join(text for text, _ in shown["chunks"]) == shown["text"]
    assert shown["guess"] == max(shown["model_probabilities"], key=shown["model_probabilities"].get)
    assert session.answer(shown["key"], "abolitionist")
    assert not session.answer(shown["key"], "neutral")  # a second tab: refused
    (row,) = [json.loads(line) for line in out.read_text().splitlines()]
    assert set(row) == CONTRACT
    assert row["label"] == "abolitionist" and row["origin"] == "annotated"
    assert row["model_probabilities"] == shown["model_probabilities"]
    assert set(row["model_probabilities"]) == set(LABELS)
    assert (row["picked_by"], row["model_round"]) == (shown["picked_by"], 0)
    assert session.current()["key"] != shown["key"]
    with pytest.raises(UsageError, match="not one of"):
        session.answer(session.current()["key"], "pro")
    with pytest.raises(UsageError, match="no paragraph"):
        session.answer("nowhere#0", "neutral")


def test_progress_counts_and_prequential_accuracy(
    texts: Path, tiny_model: Path, tmp_path: Path
) -> None:
    session = session_for(texts, tiny_model, tmp_path / "out.jsonl", retrain_every=0)
    first = session.current()
    session.answer(first["key"], first["guess"])  # the model was right
    second = session.current()
    wrong = next(label for label in LABELS if label != second["guess"])
    session.answer(second["key"], wrong)
    skipped = session.current()["key"]
    session.skip(skipped)
    progress = session.progress()
    assert (progress["labelled"], progress["skipped"], progress["remaining"]) == (2, 1, 2)
    assert progress["prequential"] == {"accuracy": 0.5, "n": 2}
    assert sum(progress["label_counts"].values()) == 2
    assert progress["cv"] is None
    assert session.undo() == skipped
    assert session.undo() == second["key"]
    assert (session.progress()["labelled"], session.progress()["skipped"]) == (1, 0)
    assert session.current()["key"] == second["key"]


def test_resumed_session_does_not_show_answered_paragraphs(
    texts: Path, tiny_model: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out.jsonl"
    first = session_for(texts, tiny_model, out, retrain_every=0)
    done = []
    for _ in range(3):
        key = first.current()["key"]
        first.answer(key, "neutral") if len(done) < 2 else first.skip(key)
        done.append(key)
    again = session_for(texts, tiny_model, out, retrain_every=0)
    remaining = []
    while (shown := again.current()) is not None:
        remaining.append(shown["key"])
        again.answer(shown["key"], "neutral")
    assert len(remaining) == 2 and not set(remaining) & set(done)


def test_the_model_retrains_in_the_background_and_no_thread_is_left(
    texts: Path, tiny_model: Path, tiny_corpus: Path, tmp_path: Path
) -> None:
    corpus = read_corpus_rows([tiny_corpus])
    session = session_for(texts, tiny_model, tmp_path / "out.jsonl", retrain_every=2, corpus=corpus)
    before = session.probabilities.copy()
    for label in ("abolitionist", "decriminalisation"):
        session.answer(session.current()["key"], label)
    deadline = time.monotonic() + 60
    while session.model_round < 1 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert session.model_round == 1 and session.retrain_error is None
    assert (session.probabilities != before).any()
    shown = session.current()
    session.answer(shown["key"], "neutral")
    assert json.loads(session.store.path.read_text().splitlines()[-1])["model_round"] == 1
    session.close()
    assert not [t for t in threading.enumerate() if t.name == "annotate-retrain"]


def test_cross_validation_on_the_labels_is_grouped_by_document(tiny_corpus: Path) -> None:
    from stancekit.params import TrainParams

    params = TrainParams(min_df=1, max_df=1.0, ngram_range=(1, 1), C=10.0, calibration=None)
    labels = [dict(r) for r in tiny_rows()]
    corpus = Corpus(["Sex work is work.", "Buyers exploit."], ["decriminalisation", "abolitionist"])
    corpus.groups = ["x", "y"]
    result = cross_validate(corpus, labels, params, 20, 4, 4)
    assert result is not None and result["n"] == len(labels) and result["folds"] == 4
    assert 0.0 <= result["accuracy"] <= 1.0
    assert cross_validate(corpus, labels[:10], params, 20, 4, 4) is None  # too few labels


def test_the_retrain_weighs_the_labels_by_the_shared_default(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """fit_with_labels gives the corpus rows weight 1 and the user's rows
    stancekit.labels.USER_LABEL_WEIGHT (or the weight asked for)."""
    import stancekit.labels
    import stancekit.model.pipeline
    from stancekit.annotate.retrain import fit_with_labels

    calls: list[tuple] = []
    monkeypatch.setattr(stancekit.model.pipeline, "fit_pipeline", lambda *a: calls.append(a))
    monkeypatch.setattr(stancekit.labels, "USER_LABEL_WEIGHT", 5.0)
    corpus = Corpus(["Sex work is work.", "Buyers exploit."], ["decriminalisation", "abolitionist"])
    corpus.groups = ["x", "y"]
    labels = [dict(r) for r in tiny_rows()[:3]]
    fit_with_labels(corpus, labels, None)  # type: ignore[arg-type]
    fit_with_labels(corpus, labels, None, weight=2)  # type: ignore[arg-type]
    texts, _, _, groups, weights = calls[0]
    assert len(texts) == 5 and groups[:2] == ["x", "y"] and groups[2].startswith("annotated:")
    assert weights == [1.0, 1.0, 5.0, 5.0, 5.0]
    assert calls[1][4] == [1.0, 1.0, 2.0, 2.0, 2.0]
    with pytest.raises(DataError, match="above 0"):
        fit_with_labels(corpus, labels, None, weight=0)  # type: ignore[arg-type]


def test_corpus_defaults_to_the_projects_prepare_data(
    tmp_path: Path, tiny_params_file: Path, tiny_corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert corpus_paths(["given.jsonl"], None) == [Path("given.jsonl")]
    assert corpus_paths(None, tiny_params_file) == [tiny_corpus]
    monkeypatch.chdir(tmp_path)
    assert corpus_paths(None, None) == [tiny_corpus]
    rows = read_corpus_rows([tiny_corpus], leave_out=tiny_corpus.parent / "x.jsonl")
    assert len(rows.texts) == len(tiny_rows())


def test_options_that_cannot_work_are_refused_before_serving(
    texts: Path, tiny_model: Path, tmp_path: Path
) -> None:
    with pytest.raises(UsageError, match=r"must end in \.jsonl"):
        annotate([str(texts)], tmp_path / "out.csv", model=tiny_model, open_browser=False)
    with pytest.raises(UsageError, match="not a port number"):
        annotate([str(texts)], tmp_path / "o.jsonl", port=70000, open_browser=False)
    with pytest.raises(UsageError, match="--random"):
        session_for(texts, tiny_model, tmp_path / "o.jsonl", random_share=1.5)
    with pytest.raises(StancekitError):
        annotate([str(texts)], texts / "a.txt", model=tiny_model, open_browser=False)


def test_an_empty_labels_folder_in_the_corpus_is_no_error(
    tmp_path: Path, tiny_corpus: Path, texts: Path, tiny_model: Path
) -> None:
    labels = tmp_path / "labels"
    labels.mkdir()
    out = labels / "mine.jsonl"
    out.write_text("", encoding="utf-8")
    corpus = read_corpus_rows([tiny_corpus, labels], leave_out=out)
    assert len(corpus.texts) == len(tiny_rows())
    assert read_corpus_rows([labels], leave_out=out).texts == []
    with pytest.raises(DataError, match="no labelled rows"):
        annotate([str(texts)], out, model=tiny_model, corpus=[labels], open_browser=False)


def test_a_paragraph_in_another_language_is_labelled_with_its_language(
    tiny_bundle: Path, tmp_path: Path
) -> None:
    """The model's languages get their own model's guess; a language it does not read is shown
    first (nothing is known of it) with no guess, and every row records its language, so the
    label reaches that language's split in the pipeline."""
    folder = tmp_path / "mixed"
    folder.mkdir()
    (folder / "fr.txt").write_text(
        "La pénalisation des clients met les travailleuses du sexe en danger, abrogez la loi.",
        encoding="utf-8",
    )
    (folder / "it.txt").write_text(
        "Chiediamo la depenalizzazione completa del lavoro sessuale e diritti per tutte noi.",
        encoding="utf-8",
    )
    session = session_for(folder, tiny_bundle, tmp_path / "out.jsonl", retrain_every=0)
    first = session.current()
    assert first["language"] == "it" and first["guess"] == "unsupported"
    assert first["model_probabilities"] == {} and first["terms"] == {}
    assert session.answer(first["key"], "decriminalisation")
    second = session.current()
    assert second["language"] == "fr" and set(second["model_probabilities"]) == set(LABELS)
    assert session.answer(second["key"], "decriminalisation")
    rows = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert [r["language"] for r in rows] == ["it", "fr"]
