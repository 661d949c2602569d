"""What every command shares: the options declared once, the error edge, progress.

The CLI is the only part of stancekit that imports typer or prints. Library errors
(:class:`stancekit.errors.StancekitError`) become one ``error: ...`` line on stderr and the
error's exit code (:func:`fail_cleanly`).
"""

from __future__ import annotations

import contextlib
import functools
import io
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from stancekit.errors import StancekitError

if TYPE_CHECKING:
    from stancekit.scoring.rows import ScoringStats

F = TypeVar("F", bound=Callable[..., Any])

DEFAULT_PARAMS = Path("params.yaml")

ParamsOption = Annotated[
    Path, typer.Option("--params", help="The params.yaml to read.", show_default=True)
]
#: A model to read: ``None`` lets the library resolve ``$STANCEKIT_MODEL``, else ``models/``.
ModelOption = Annotated[
    Path | None,
    typer.Option(
        "--model",
        "-m",
        help="Model directory [default: $STANCEKIT_MODEL, the project's models/, or the "
        "model installed with stancekit].",
    ),
]
#: Load ``model.joblib`` (a pickle: runs any code it holds) instead of the portable files.
TrustPickleOption = Annotated[
    bool,
    typer.Option(
        "--trust-pickle",
        help="Load the model's scikit-learn pickle (model.joblib), which runs any code it "
        "holds: only for models you trust. Default: the portable files, data only.",
    ),
]
EncodingOption = Annotated[str, typer.Option(help="Encoding of files and stdin.")]


def language_code(value: str | None) -> str | None:
    """``--language``'s check: a two-letter ISO 639-1 code, lower case."""
    if value is None:
        return None
    from stancekit.language import check_language

    try:
        return check_language(value)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None


LanguageOption = Annotated[
    str | None,
    typer.Option(
        "--language",
        help="Score every paragraph as this language (en, fr, de, es, sv...) instead of "
        "identifying each paragraph's language.",
        callback=language_code,
    ),
]
#: The columns of a user's labelled table (see :mod:`stancekit.data.labelled`).
TextColumnOption = Annotated[str, typer.Option(help="Column of the labelled tables' text.")]
SheetOption = Annotated[
    str | None,
    typer.Option(help=".xlsx input: the sheet to read [default: the first].", show_default=False),
]
LabelColumnOption = Annotated[str, typer.Option(help="Column of the labelled tables' label.")]
DocColumnOption = Annotated[
    str | None,
    typer.Option(
        help="Column of the document id [default: doc_id if present, else each row is its own "
        "document, id FILE:ROW].",
        show_default=False,
    ),
]
LabelMapOption = Annotated[
    str | None,
    typer.Option(
        help="Your labels as stancekit labels, YOURS=LABEL separated by commas, e.g. "
        "'pro=decriminalisation, anti=abolitionist, other=neutral' (labels are matched in "
        "any case, -isation or -ization).",
        show_default=False,
    ),
]
QuietOption = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")]
MaxCharsOption = Annotated[
    int,
    typer.Option(
        "--max-chars",
        min=1,
        help="Split paragraphs longer than this many characters (bounds memory) [default: 20000].",
        show_default=False,
    ),
]

DateFormatOption = Annotated[
    str | None,
    typer.Option(
        help="Dates written another way, as a strptime format, e.g. %m/%d/%Y (month first). "
        "Without it: ISO dates, years, year-months, day/month/year (day first), Excel serials.",
        show_default=False,
    ),
]


#: What ``predict`` and ``explain`` read (see :mod:`stancekit.scoring.read`).
InputsArgument = Annotated[
    list[str],
    typer.Argument(
        help="Texts; .txt/.md files; folders (searched recursively); .csv/.tsv/.jsonl/"
        ".parquet tables (one document per row); - for stdin.",
        show_default=False,
    ),
]


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised in the main thread as Ctrl-C is, so the same clean-up runs."""


def _raise_terminated(signum: int, frame: Any) -> None:
    raise Terminated()


def handle_sigterm() -> None:
    """Let SIGTERM end a command as Ctrl-C does (temporary files removed, workers ended) with
    exit code 143, instead of killing the process on the spot. Call from the main thread."""
    import signal

    signal.signal(signal.SIGTERM, _raise_terminated)


def _ignore_interrupts() -> None:
    """A second Ctrl-C or SIGTERM must not cut the clean-up short."""
    import signal

    with contextlib.suppress(ValueError):  # not the main thread
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)


def stop_workers() -> None:
    """End joblib's (loky's) worker processes, if this process started any: they would outlive
    an interrupted run, holding memory and semaphores."""
    loky = sys.modules.get("joblib.externals.loky.reusable_executor")
    executor = getattr(loky, "_executor", None)
    if executor is not None:
        with contextlib.suppress(Exception):
            executor.shutdown(wait=True, kill_workers=True)


def fail_cleanly(command: F) -> F:
    """Turn library errors into ``error: <message>`` on stderr and the error's exit code."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            with _warnings_as_lines():
                result = command(*args, **kwargs)
            # Output still buffered would fail at exit (a full disk) with Python's own message.
            sys.stdout.flush()
            return result
        except StancekitError as exc:
            _release_stdout()
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(exc.exit_code) from None
        except KeyboardInterrupt as exc:
            # Ctrl-C, or SIGTERM (see handle_sigterm): temporary output is already gone (every
            # write is atomic); end the worker processes too, then exit 128 + signal.
            _ignore_interrupts()
            stop_workers()
            terminated = isinstance(exc, Terminated)
            typer.echo("terminated" if terminated else "interrupted", err=True)
            raise typer.Exit(143 if terminated else 130) from None
        except BrokenPipeError:
            # The reader went away (`stancekit predict ... | head`): stop quietly.
            _release_stdout(force=True)
            raise typer.Exit(0) from None
        except OSError as exc:
            # Library errors are typed; what is left is mostly standard output (a full disk).
            from stancekit.io.files import os_error_reason

            stdout_failed = not _stdout_works()
            _release_stdout(force=True)
            if stdout_failed:
                message = f"standard output: cannot write ({os_error_reason(exc)})."
            else:
                message = f"{exc.filename or 'input/output'}: {os_error_reason(exc)}."
            typer.echo(f"error: {message}", err=True)
            raise typer.Exit(1) from None

    return wrapper  # type: ignore[return-value]


@contextlib.contextmanager
def _warnings_as_lines() -> Iterator[None]:
    """Show each :class:`StancekitWarning` as one ``warning: ...`` line on stderr, when raised,
    and any other library's warning as one line too (its first line and its kind), never with
    a file name and source line."""
    import warnings

    from stancekit.errors import StancekitWarning

    with warnings.catch_warnings():
        warnings.simplefilter("always", StancekitWarning)

        def show(message: Any, category: type, *args: Any, **kwargs: Any) -> None:
            if issubclass(category, StancekitWarning):
                typer.echo(f"warning: {message}", err=True)
            else:
                first = (str(message).strip().splitlines() or [""])[0]
                typer.echo(f"warning: {first} ({category.__name__})", err=True)

        warnings.showwarning = show
        yield


def _stdout_works() -> bool:
    try:
        sys.stdout.flush()
    except (OSError, ValueError):
        return False
    return True


def _release_stdout(force: bool = False) -> None:
    """Point standard output at /dev/null if it cannot take what is buffered (``force``: in any
    case), so that Python's flush at exit adds no second message."""
    import os

    if not force:
        try:
            sys.stdout.flush()
            return
        except OSError:
            pass
    with contextlib.suppress(OSError, ValueError, AttributeError, io.UnsupportedOperation):
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def project_base(params: Path) -> Path:
    """The folder the pipeline's default paths (``data/prepared``, ``models/`` ...) are relative
    to: the current folder when it holds ``params.yaml`` or ``--params`` names a file, else the
    project's root above it (as git finds its root), so the pipeline commands run from any
    folder inside the project (``examples/``, say)."""
    if params != DEFAULT_PARAMS or params.is_file():
        return Path()
    from stancekit.model.locate import find_project_root

    root = find_project_root()
    return root if root is not None and (root / DEFAULT_PARAMS).is_file() else Path()


def load_pipeline_params(params: Path) -> tuple[Any, Path]:
    """The pipeline's params (the project's from a subfolder; ``prepare.data`` relative to the
    params.yaml it is written in) and :func:`project_base`."""
    from dataclasses import replace

    base = project_base(params)
    path = base / params if params == DEFAULT_PARAMS else params
    settings = load_params(path)
    folder = path.parent
    if folder == Path():
        return settings, base

    def here(paths: Any) -> tuple[str, ...]:
        return tuple(p if Path(p).is_absolute() else str(folder / p) for p in paths)

    languages = {
        code: {
            **groups,
            "prepare": {**groups["prepare"], "data": list(here(groups["prepare"]["data"]))},
        }
        if "data" in (groups.get("prepare") or {})
        else groups
        for code, groups in settings.languages.items()
    }
    prepare = replace(settings.prepare, data=here(settings.prepare.data))
    return replace(settings, prepare=prepare, languages=languages), base


def load_params(path: Path, anywhere: bool = False) -> Any:
    """params.yaml as validated dataclasses (imported late: ``--help`` stays fast).

    ``anywhere`` (for commands that read only settings, not the pipeline's relative data paths):
    the default ``params.yaml``, when the current folder has none, is the project's (see
    :func:`stancekit.model.locate.find_project_root`), else the built-in defaults.
    """
    from stancekit.params import Params
    from stancekit.params import load_params as load

    if anywhere and path == DEFAULT_PARAMS and not path.is_file():
        from stancekit.model.locate import find_project_root

        root = find_project_root()
        if root is None or not (root / DEFAULT_PARAMS).is_file():
            return Params()
        path = root / DEFAULT_PARAMS
    return load(path)


def warn_skipped(stats: ScoringStats) -> None:
    """Warnings about what a run skipped or could only guess."""
    if stats.empty.count:
        typer.echo(
            f"warning: skipped {stats.empty.count:,} empty text(s): {stats.empty.describe()}",
            err=True,
        )
    if stats.split.count:
        typer.echo(
            f"warning: split {stats.split.count:,} paragraph(s) longer than "
            f"{stats.max_chars:,} characters (--max-chars) into pieces scored apart: "
            f"{stats.split.describe()}",
            err=True,
        )
    if stats.bad_dates.count:
        typer.echo(
            f"warning: {stats.bad_dates.count:,} document(s) have a date that could not be read "
            f"(kept as written; trends reports them too): {stats.bad_dates.describe()}; dates "
            "are read as ISO (2020-03-13), year, year-month, day/month/year (day first) or an "
            "Excel serial: for another form pass --date-format (e.g. %m/%d/%Y)",
            err=True,
        )
    if stats.unknown.count:
        typer.echo(
            f"warning: {stats.unknown.count:,} paragraph(s) hold no word the model knows, so "
            f"their label is only its prior (--threshold marks them uncertain): "
            f"{stats.unknown.describe()}",
            err=True,
        )
    if stats.unsupported:
        total = sum(stats.unsupported.values())
        per_language = ", ".join(f"{code} {n:,}" for code, n in sorted(stats.unsupported.items()))
        typer.echo(
            f"warning: {total:,} paragraph(s) are in a language the model does not read "
            f"({per_language}): labelled unsupported, with no probabilities. "
            "`stancekit info` lists the languages it reads; --language forces one.",
            err=True,
        )


def count(n: int, noun: str) -> str:
    """``1 row``, ``2,000 rows``."""
    return f"{n:,} {noun}{'s' * (n != 1)}"


@contextlib.contextmanager
def progress(enabled: bool) -> Iterator[Callable[[int], None] | None]:
    """A rich progress line on stderr (paragraphs scored, time elapsed), or nothing."""
    if not enabled:
        yield None
        return
    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    columns = (
        SpinnerColumn(),
        TextColumn("scored {task.completed:,.0f} paragraphs"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("score", total=None)
        yield lambda done: bar.update(task, completed=done)
