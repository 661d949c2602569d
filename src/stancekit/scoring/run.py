"""Score or explain what a user names, end to end: the library behind ``stancekit predict`` and
``stancekit explain``.

:func:`predict_inputs` runs ``sources -> paragraphs -> batches -> scored rows -> writer``
(:mod:`stancekit.scoring.read`, :mod:`stancekit.scoring.stream`, :mod:`stancekit.scoring.write`)
and returns what the run saw; every option is checked before the model is loaded.
:func:`explain_inputs` gives the
exact term contributions of every paragraph (:mod:`stancekit.model.explain`).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from stancekit.errors import InputError, OutputError, UsageError
from stancekit.scoring.engines import Engine, LocalEngine, resolve_engine
from stancekit.scoring.options import DEFAULT_BATCH_SIZE, check_options
from stancekit.scoring.read import SourceOptions, iter_records
from stancekit.scoring.rows import ScoringStats, Unit
from stancekit.scoring.stream import DEFAULT_MAX_CHARS, iter_units, score_units
from stancekit.scoring.write import output_format

if TYPE_CHECKING:
    from stancekit.model.explain import Explanation
    from stancekit.scoring.predictor import StancePrediction, StancePredictor

STDOUT = "-"


@dataclass(frozen=True)
class PredictRun:
    """What :func:`predict_inputs` did.

    Attributes
    ----------
    rows : int
        Rows written (paragraphs, or documents with ``aggregate``).
    output : Path or None
        The file written, or ``None`` for standard output.
    output_format : str
        The format written (``auto`` resolved).
    stats : ScoringStats
        Documents read, units scored, empty inputs skipped, units with no known word.
    """

    rows: int
    output: Path | None
    output_format: str
    stats: ScoringStats = field(default_factory=ScoringStats)


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


def _write_stdout(scored: Any, stdout: TextIO, *args: Any) -> int:
    """Write to standard output; a full disk becomes an :class:`OutputError`."""
    from stancekit.io.files import os_error_reason
    from stancekit.scoring.write import write_results

    try:
        rows = write_results(scored, stdout, *args)
        stdout.flush()
    except BrokenPipeError:
        raise
    except OSError as exc:
        raise OutputError(f"standard output: cannot write ({os_error_reason(exc)}).") from None
    return rows


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
    engine : {"local", "joblib"} or Engine, optional
        Where batches are scored (:func:`stancekit.scoring.engines.resolve_engine`); default: joblib
        workers when ``jobs`` is not 1, else this process.
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
    path = _output_path(output, inputs)
    fmt = output_format_for(output_format, path, stdout)
    check_options(
        unit=unit,
        batch_size=batch_size,
        threshold=threshold,
        explain=explain,
        jobs=jobs,
        max_chars=max_chars,
    )
    runner = resolve_engine(engine, jobs)
    source_options = source_options or SourceOptions()
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
    if tables is not None and path is not None:  # the faster whole-table path, same rows
        return _predict_tables(
            tables,
            predictor,
            path,
            source_options,
            unit,
            threshold,
            explain,
            max_chars,
            on_progress,
        )
    stats = ScoringStats()
    records = iter_records(inputs, source_options, stdin if stdin is not None else sys.stdin)
    from stancekit.scoring.context import with_document_prior

    scored = with_document_prior(
        score_units(
            predictor.router,
            iter_units(records, unit, stats, max_chars),
            batch_size=batch_size,
            threshold=threshold,
            explain=explain,
            jobs=jobs,
            engine=runner,
            on_progress=on_progress,
            stats=stats,
        ),
        predictor.labels,
        predictor.document_prior if unit == "paragraph" else 0.0,
        threshold,
    )
    from stancekit.scoring.write import write_results

    args = (fmt, predictor.labels, aggregate, threshold is not None)
    if path is None:
        rows = _write_stdout(scored, stdout, *args)
    else:
        from stancekit.io.files import atomic_write
        from stancekit.scoring.write import BINARY_FORMATS

        with atomic_write(path, "wb" if fmt in BINARY_FORMATS else "w") as handle:
            rows = write_results(scored, handle, *args)
            if not rows:  # leave no empty output file behind
                raise _nothing("score")
    if not rows:
        raise _nothing("score")
    return PredictRun(rows, path, fmt, stats)


def _predict_tables(
    tables: list[Path],
    predictor: StancePredictor,
    path: Path,
    options: SourceOptions,
    unit: str,
    threshold: float | None,
    explain: int,
    max_chars: int,
    on_progress: Callable[[int], None] | None,
) -> PredictRun:
    from stancekit.io.files import atomic_write
    from stancekit.scoring.tables import score_tables

    with atomic_write(path, "wb") as handle:
        rows, stats = score_tables(
            tables,
            predictor,
            handle,
            text_column=options.text_column,
            id_column=options.id_column,
            unit=unit,
            threshold=threshold,
            explain=explain,
            max_chars=max_chars,
            on_progress=on_progress,
        )
    return PredictRun(rows, path, "parquet", stats)


def output_format_for(requested: str, output: Path | None, stdout: TextIO) -> str:
    """The format :func:`predict_inputs` writes (see
    :func:`stancekit.scoring.write.output_format`)."""
    terminal = output is None and hasattr(stdout, "isatty") and stdout.isatty()
    return output_format(requested, output, terminal)


def _nothing(verb: str) -> InputError:
    return InputError(f"nothing to {verb}: every input was empty.")


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
        raise _nothing("explain")
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
