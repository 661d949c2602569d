"""Score or explain what a user names, end to end: the library behind ``stancekit predict`` and
``stancekit explain``.

:func:`predict_inputs` checks every option before the model is loaded, then chooses the run's
route, here and nowhere else (:mod:`stancekit.scoring.routes`): the stream ``sources ->
paragraphs -> batches -> scored rows -> writer`` (:mod:`stancekit.scoring.read`,
:mod:`stancekit.scoring.stream`, :mod:`stancekit.scoring.write`), whole Parquet tables when that
writes the same rows faster (:mod:`stancekit.scoring.tables`), or a Dask cluster
(``engine="dask"``, :mod:`stancekit.scoring.distributed`); it returns what the run saw.
:func:`explain_inputs` gives the exact term contributions of every paragraph
(:mod:`stancekit.model.explain`).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from stancekit.errors import UsageError
from stancekit.scoring.engines import ENGINES, Engine, LocalEngine, resolve_engine
from stancekit.scoring.options import DEFAULT_BATCH_SIZE, ScoreOptions
from stancekit.scoring.read import SourceOptions, iter_records
from stancekit.scoring.routes import DASK, PredictRun
from stancekit.scoring.rows import ScoringStats, Unit, nothing
from stancekit.scoring.segment import DEFAULT_MAX_CHARS
from stancekit.scoring.stream import iter_units
from stancekit.scoring.write import output_format

if TYPE_CHECKING:
    from stancekit.model.explain import Explanation
    from stancekit.scoring.predictor import StancePrediction, StancePredictor

STDOUT = "-"
__all__ = ["ExplainRun", "ExplainedUnit", "PredictRun", "explain_inputs", "predict_inputs"]


def _model(
    model: str | Path | StancePredictor | None,
    trust_pickle: bool = False,
    language: str | None = None,
    paragraph_only: bool = False,
) -> StancePredictor:
    from stancekit.scoring.predictor import StancePredictor

    if isinstance(model, StancePredictor):
        if language is not None:
            model.router = model.router.forced(language)
        if paragraph_only:
            model.document_prior = 0.0
        return model
    return StancePredictor.load(
        model, trust_pickle=trust_pickle, language=language, paragraph_only=paragraph_only
    )


def _output_path(output: str | Path | None, inputs: Sequence[str] = ()) -> Path | None:
    if output is None or str(output) == STDOUT:
        return None
    output = Path(output)
    if output.is_dir():
        raise UsageError(f"--output: {output} is a folder; give a file name.")
    if output.is_file():
        for arg in inputs:
            if arg != STDOUT and arg.strip() and _same_file(output, arg):
                raise UsageError(
                    f"--output: {output} is also an input; write the results to another file."
                )
    return output


def _same_file(output: Path, arg: str) -> bool:
    try:
        return Path(arg).is_file() and output.samefile(arg)
    except (OSError, ValueError):  # a text too long to be a path
        return False


def predict_inputs(
    inputs: Sequence[str],
    *,
    model: str | Path | StancePredictor | None = None,
    output: str | Path | None = None,
    output_format: str = "auto",
    unit: str = "paragraph",
    aggregate: bool = False,
    threshold: float | None = None,
    explain: int = 0,
    source_options: SourceOptions | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    engine: str | Engine | None = None,
    jobs: int = 1,
    on_progress: Callable[[int], None] | None = None,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
    trust_pickle: bool = False,
    max_chars: int = DEFAULT_MAX_CHARS,
    language: str | None = None,
    paragraph_only: bool = False,
    scheduler: Any = None,
    on_submit: Callable[[list[Any], str | None], None] | None = None,
) -> PredictRun:
    """Score every paragraph (or document) of ``inputs`` and write the rows.

    Input is streamed in batches, so memory follows ``batch_size``, not the input.

    Parameters
    ----------
    inputs : sequence of str
        Texts, text files, folders, tables (``.csv``, ``.tsv``, ``.jsonl``, ``.parquet``) or
        ``"-"`` for ``stdin`` (see :func:`stancekit.scoring.read.iter_records`).
    model : path, StancePredictor or None
        A model directory, a loaded predictor, or ``None``: ``$STANCEKIT_MODEL``, else ``models/``.
    output : path, optional
        The file to write, atomically; ``None`` or ``"-"`` writes to ``stdout``.
    output_format : {"auto", "table", "jsonl", "csv", "tsv", "parquet", "xlsx", "csv-excel"}
        ``"auto"``: from ``output``'s file ending, else a table on a terminal, JSON Lines in a pipe.
    unit : {"paragraph", "document"}
        Split documents at blank lines, or score each whole.
    aggregate : bool
        One row per input document (label shares, mean probabilities) instead of one per unit.
    threshold : float, optional
        Below this highest probability the label is ``"uncertain"``.
    explain : int
        Add each label's ``explain`` strongest terms (0: none).
    source_options : SourceOptions, optional
        Table columns, encoding, stdin lines, folder glob.
    batch_size : int
        Units per batch.
    engine : {"local", "joblib", "dask"} or Engine, optional
        Where batches are scored (:func:`stancekit.scoring.engines.resolve_engine`); default: joblib
        workers when ``jobs`` is not 1, else this process. ``"dask"``: the tables ``inputs`` name
        are scored on a Dask cluster into the Parquet dataset folder ``output``
        (:func:`stancekit.scoring.distributed.predict_dataset`; options it cannot honour are
        refused).
    jobs : int
        Worker processes for the joblib engine (``-1``: all cores).
    on_progress : callable, optional
        Called with the number of units scored after each batch.
    stdin, stdout : text streams, optional
        Default :data:`sys.stdin` and :data:`sys.stdout`.
    trust_pickle : bool
        Load the model's pickled pipeline, which runs any code it holds (see
        :meth:`StancePredictor.load`); default: the portable files, nothing unpickled.
    max_chars : int
        Paragraphs longer than this are split (counted in ``stats.split``).
    language : str, optional
        Score every text as this language instead of identifying it.
    paragraph_only : bool
        Score each paragraph alone, without its document's prior.
    scheduler : str or distributed.Client, optional
        ``engine="dask"``: the scheduler (default: a local cluster).
    on_submit : callable, optional
        ``engine="dask"``: called with the futures and the dashboard link once submitted.

    Returns
    -------
    PredictRun
        Rows written, where, in which format, and the run's :class:`ScoringStats`.

    Raises
    ------
    UsageError
        An option value that cannot work (checked before the model is loaded).
    InputError
        Unreadable input, or nothing to score (no file is left behind).

    Examples
    --------
    >>> run = predict_inputs(["Sex work is work."], output="scores.csv")  # doctest: +SKIP
    >>> run.rows, run.stats.units                                         # doctest: +SKIP
    (1, 1)
    """
    stdout = stdout if stdout is not None else sys.stdout
    source_options = source_options or SourceOptions()
    dask = engine == DASK
    if dask:  # what Dask cannot honour is refused first, then the options are checked
        from stancekit.scoring.cluster import require_dask
        from stancekit.scoring.distributed import refuse_options

        refuse_options(output, output_format, aggregate, source_options, jobs, model)
        require_dask()
    elif scheduler is not None:
        raise UsageError("--scheduler needs --engine dask.")
    else:
        path = _output_path(output, inputs)
        fmt = output_format_for(output_format, path, stdout)
    options = ScoreOptions(
        text_column=source_options.text_column,
        id_column=source_options.id_column,
        unit=unit,
        threshold=threshold,
        explain=explain,
        max_chars=max_chars,
        batch_size=batch_size,
    )
    if dask:
        from stancekit.scoring.routes import predict_dask

        return predict_dask(
            inputs,
            output,  # type: ignore[arg-type]
            options,
            model=model,  # type: ignore[arg-type]
            encoding=source_options.encoding,
            scheduler=scheduler,
            on_submit=on_submit,
            language=language,
            paragraph_only=paragraph_only,
        )
    if isinstance(engine, str) and engine not in ENGINES:
        raise UsageError(f"engine: {engine!r} is not one of {', '.join((*ENGINES, DASK))}.")
    runner = resolve_engine(engine, jobs)  # checks jobs, then the engine
    if path is not None:  # a folder of inputs never yields the output (or its temporary)
        source_options = replace(source_options, skip=(*source_options.skip, str(path)))
    predictor = _model(model, trust_pickle, language, paragraph_only)
    from stancekit.scoring.tables import table_inputs

    tables = table_inputs(
        inputs,
        source_options,
        output_format=fmt,
        output=path,
        aggregate=aggregate,
        in_process=isinstance(runner, LocalEngine),
    )
    if tables is not None and path is not None:  # the faster whole-table route, same rows
        from stancekit.scoring.routes import predict_tables

        return predict_tables(tables, predictor, options, path, on_progress)
    from stancekit.scoring.routes import predict_stream

    return predict_stream(
        iter_records(inputs, source_options, stdin if stdin is not None else sys.stdin),
        predictor,
        options,
        path=path,
        output_format=fmt,
        aggregate=aggregate,
        runner=runner,
        jobs=jobs,
        on_progress=on_progress,
        stdout=stdout,
    )


def output_format_for(requested: str, output: Path | None, stdout: TextIO) -> str:
    """The format :func:`predict_inputs` writes (see
    :func:`stancekit.scoring.write.output_format`)."""
    terminal = output is None and hasattr(stdout, "isatty") and stdout.isatty()
    return output_format(requested, output, terminal)


@dataclass(frozen=True)
class ExplainedUnit:
    """One paragraph, its prediction, and the exact contributions of its terms."""

    unit: Unit
    prediction: StancePrediction
    explanation: Explanation


@dataclass(frozen=True)
class ExplainRun:
    """What :func:`explain_inputs` found: the model's labels, one item per paragraph, the run's
    stats, and the page written (if any)."""

    labels: tuple[str, ...]
    items: list[ExplainedUnit]
    stats: ScoringStats
    html: Path | None = None


def explain_inputs(
    inputs: Sequence[str],
    *,
    model: str | Path | StancePredictor | None = None,
    source_options: SourceOptions | None = None,
    html: str | Path | None = None,
    top: int = 10,
    stdin: TextIO | None = None,
    trust_pickle: bool = False,
    max_chars: int = DEFAULT_MAX_CHARS,
) -> ExplainRun:
    """Explain every paragraph of ``inputs``: its prediction and each term's contribution
    (tf-idf value x coefficient; with the intercept they add up to the decision score).

    Parameters
    ----------
    inputs : sequence of str
        As for :func:`predict_inputs`.
    model : path, StancePredictor or None
        As for :func:`predict_inputs`.
    source_options : SourceOptions, optional
        Encoding and the other reading options.
    html : path, optional
        Also write a page with every word shaded by its push (``top`` terms listed per label).
    stdin : text stream, optional
        Default :data:`sys.stdin`.
    trust_pickle : bool
        As for :func:`predict_inputs`.

    Raises
    ------
    UsageError
        ``html`` is a folder.
    InputError
        Unreadable input, or nothing to explain.
    """
    html = None if html is None else Path(html)
    if html is not None and html.is_dir():
        raise UsageError(f"--html: {html} is a folder; give a file name.")
    predictor = _model(model, trust_pickle)
    stats = ScoringStats()
    stdin = stdin if stdin is not None else sys.stdin
    records = iter_records(inputs, source_options or SourceOptions(), stdin)
    units = list(iter_units(records, "paragraph", stats, max_chars))
    if not units:
        raise nothing("explain")
    texts = [u.text for u in units]
    explanations = predictor.explain(texts)
    items = [
        ExplainedUnit(*item)
        for item in zip(units, predictor.predict(texts), explanations, strict=True)
    ]
    if html is not None:
        from stancekit.io.files import atomic_write
        from stancekit.model.explain import render_explanation_html

        titles = [
            unit.doc_id + ("" if unit.paragraph_index is None else f" #{unit.paragraph_index}")
            for unit in units
        ]
        page = render_explanation_html(
            predictor.pipeline, explanations, predictor.labels, top, titles
        )
        with atomic_write(html) as handle:
            handle.write(page)
    return ExplainRun(predictor.labels, items, stats, html)
