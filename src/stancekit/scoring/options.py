"""The scoring options, declared and checked in one place for every engine (this process,
worker processes, Dask): what ``stancekit predict``, :func:`stancekit.scoring.run.predict_inputs`,
:class:`stancekit.scoring.predictor.StancePredictor` and the Dask engine accept."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from stancekit.errors import UsageError
from stancekit.scoring.engines import check_jobs
from stancekit.scoring.segment import DEFAULT_MAX_CHARS

if TYPE_CHECKING:
    from stancekit.scoring.read import SourceOptions

UNITS = ("paragraph", "document")
DEFAULT_BATCH_SIZE = 5000
#: A batch also ends once its texts reach this many characters (long paragraphs).
BATCH_CHARS = 5_000_000


def check_options(
    *,
    unit: str = "paragraph",
    batch_size: int = DEFAULT_BATCH_SIZE,
    threshold: float | None = None,
    explain: int = 0,
    jobs: int = 1,
    max_chars: int = DEFAULT_MAX_CHARS,
) -> None:
    """Refuse option values that cannot work: the one place that checks them.

    Raises
    ------
    UsageError
        An unknown unit, a batch size below 1, a threshold outside [0, 1], a negative
        ``explain``, or ``jobs`` that is neither a positive number nor -1.
    """
    if unit not in UNITS:
        raise UsageError(f"--unit: {unit!r} is not paragraph or document.")
    if batch_size < 1:
        raise UsageError(
            f"--batch-size: {batch_size} is not a number of paragraphs: give 1 or more."
        )
    if threshold is not None and not 0.0 <= threshold <= 1.0:
        raise UsageError(f"--threshold: {threshold} is not a probability between 0 and 1.")
    if explain < 0:
        raise UsageError(f"--explain: {explain} is not a number of terms: give 0 or more.")
    if max_chars < 1:
        raise UsageError(f"--max-chars: {max_chars} is not a length: give 1 or more.")
    check_jobs(jobs)


@dataclass(frozen=True)
class ScoreOptions:
    """The options every unit is scored with, checked when made (:func:`check_options`)."""

    text_column: str = "text"
    id_column: str | None = None
    unit: str = "paragraph"
    threshold: float | None = None
    explain: int = 0
    max_chars: int = DEFAULT_MAX_CHARS
    #: Units per batch (sets peak memory): about this many per batch of whole documents on the
    #: stream, and per call of the batch scorer in the core (every route).
    batch_size: int = DEFAULT_BATCH_SIZE

    def __post_init__(self) -> None:
        check_options(
            unit=self.unit,
            batch_size=self.batch_size,
            threshold=self.threshold,
            explain=self.explain,
            max_chars=self.max_chars,
        )


#: The options that keep a run off the Arrow table routes (whole Parquet tables in this process,
#: and Dask), in the order :func:`table_route_blockers` checks them. Both routes read tables and
#: write one Parquet row per paragraph, with dates from a column named ``date`` (or the text).
TABLE_ROUTE_OPTIONS = (
    "output",
    "format",
    "aggregate",
    "lines",
    "glob",
    "date_column",
    "date_format",
)


def table_route_blockers(
    output: object, output_format: str, aggregate: bool, source: SourceOptions
) -> list[str]:
    """The options (names from :data:`TABLE_ROUTE_OPTIONS`) that keep a run off the Arrow table
    routes: the one rule the whole-table route (which then gives way to the stream) and the
    Dask engine (which then refuses the run) both follow.

    ``output`` is the output file or folder (``None`` or ``"-"``: standard output);
    ``output_format`` the format asked for (``"auto"`` lets the route choose Parquet); ``source``
    how the inputs are read.
    """
    blocked = {
        "output": output is None or str(output) == "-",
        "format": output_format not in ("auto", "parquet"),
        "aggregate": aggregate,
        "lines": source.lines,
        "glob": source.glob is not None,
        "date_column": source.date_column is not None,
        "date_format": source.date_format is not None,
    }
    return [name for name in TABLE_ROUTE_OPTIONS if blocked[name]]
