"""``stancekit predict --engine dask``, as shown: Dask's progress bar on a terminal, the
dashboard link and the run's totals on stderr, and Dask's shutdown noise kept out of the log.
The run itself is :func:`stancekit.scoring.run.predict_inputs` with ``engine="dask"``."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import typer

from stancekit.cli._util import count, warn_skipped

if TYPE_CHECKING:
    from stancekit.scoring.routes import PredictRun


class _DropShutdownNoise:
    """A logging filter for asyncio's "Task exception was never retrieved": drops it for Dask's
    ``AllExit``, which a client's pending gathers raise when a signal stops the run, and, once a
    signal or Ctrl-C has stopped the run (:attr:`stopped`), for every task (a nanny whose worker
    died with the run while starting: "Nanny failed to start"). The run then ends with one line,
    ``terminated`` or ``interrupted``; these tasks are often collected while Python exits."""

    stopped = False

    def filter(self, record: Any) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        if type(exc).__name__ == "AllExit":
            return False
        return not (self.stopped and str(record.msg).startswith("Task exception was never"))


_DROP_SHUTDOWN_NOISE = _DropShutdownNoise()


@contextlib.contextmanager
def dask_display(quiet: bool) -> Iterator[Callable[[list[Any], str | None], None]]:
    """Yield the ``on_submit`` that shows Dask's progress bar (on a terminal, unless ``quiet``);
    Dask's worker restarts and shutdown notices stay out of the log meanwhile."""
    import logging

    show = not quiet and sys.stderr.isatty()

    def on_submit(futures: list[Any], link: str | None) -> None:
        if show:
            typer.echo(
                f"dask: {count(len(futures), 'partition')}; dashboard: {link or 'off'}", err=True
            )
            from distributed import progress

            with contextlib.redirect_stdout(sys.stderr):
                progress(futures)
            typer.echo("", err=True)

    logging.getLogger("asyncio").addFilter(_DROP_SHUTDOWN_NOISE)  # kept: tasks die at exit too
    logger = logging.getLogger("distributed")
    level = logger.level
    logger.setLevel(logging.CRITICAL)  # worker restarts and shutdown notices are not errors
    try:
        yield on_submit
    except KeyboardInterrupt:  # Ctrl-C or SIGTERM: the cluster's tasks die with the run
        _DROP_SHUTDOWN_NOISE.stopped = True
        raise
    finally:
        logger.setLevel(level)


def report_dask(run: PredictRun) -> None:
    """The run's warnings, the dashboard line and its totals, on stderr."""
    warn_skipped(run.stats)
    typer.echo(f"dashboard: {run.dashboard or 'off (pip install bokeh to have one)'}", err=True)
    typer.echo(
        f"wrote {count(run.stats.units, 'row')} ({count(run.stats.documents, 'document')}, "
        f"{count(run.partitions or 0, 'partition')}) to {run.output}/",
        err=True,
    )
