"""``stancekit annotate`` as one library call: read the inputs, load the model and the corpus,
open the answers, serve the page until stopped."""

from __future__ import annotations

import getpass
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from stancekit.errors import DataError, StancekitError, StancekitWarning, UsageError
from stancekit.scoring.read import SourceOptions
from stancekit.scoring.segment import DEFAULT_MAX_CHARS


@dataclass(frozen=True)
class AnnotateRun:
    """What a finished run left: the output file, labels and skips in it, retrains done."""

    out: Path
    labelled: int
    skipped: int
    remaining: int
    model_rounds: int


def check_server_installed() -> None:
    """Refuse to start without the optional ``annotate`` extra (Starlette, uvicorn)."""
    import importlib.util

    missing = [m for m in ("starlette", "uvicorn") if importlib.util.find_spec(m) is None]
    if missing:
        raise StancekitError(
            f"stancekit annotate needs {' and '.join(missing)}: pip install 'stancekit[annotate]'"
        )


def default_annotator() -> str:
    """The user's login name (``"annotator"`` if the system has none)."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "annotator"


def corpus_paths(corpus: Sequence[str | Path] | None, params: str | Path | None) -> list[Path]:
    """What retraining starts from: ``corpus`` if given, else ``prepare.data`` of the project's
    params.yaml (paths relative to its folder) when those exist, else nothing."""
    if corpus:
        return [Path(p) for p in corpus]
    from stancekit.model.locate import find_project_root
    from stancekit.params import load_params

    if params is None:
        root = find_project_root()
        params = None if root is None else root / "params.yaml"
    if params is None or not Path(params).is_file():
        return []
    base = Path(params).parent
    paths = [base / p for p in load_params(params).prepare.data]
    return [p for p in paths if p.exists()]


def no_corpus_message(params: str | Path | None = None) -> str:
    """Why the model will not be retrained, and what to give: inside a project its corpus
    folder, outside one a path to labelled files (not a ``data/corpus`` that is not there)."""
    from stancekit.model.locate import find_project_root

    root = find_project_root() if params is None else Path(params).parent
    if root is None or not (root / "params.yaml").is_file():
        return (
            "no corpus to retrain on (no --corpus, and no stancekit project here: no "
            "params.yaml in this folder or above): the model stays as it is; to retrain as you "
            "label, give --corpus with labelled .jsonl files or folders (a project's "
            "data/corpus, say)."
        )
    return (
        f"no corpus to retrain on (no --corpus, no labelled rows in prepare.data of "
        f"{root / 'params.yaml'}): the model stays as it is; give --corpus with labelled .jsonl "
        "files or folders to retrain as you label."
    )


def redirect_file(url: str) -> Path:
    """A page, readable by this user only, that sends the browser on to ``url``: the browser is
    started with this file's path, so the token never shows on its command line (``ps``)."""
    import html
    import json
    import os
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="stancekit-annotate-"))  # mode 0700
    path = folder / "open.html"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(
            '<!doctype html><meta charset="utf-8"><meta name="referrer" content="no-referrer">'
            f'<meta http-equiv="refresh" content="0;url={html.escape(url)}">'
            f"<script>location.replace({json.dumps(url)})</script>"
            f'<a href="{html.escape(url)}">stancekit annotate</a>\n'
        )
    return path


def annotate(
    sources: Sequence[str],
    out: str | Path,
    *,
    model: str | Path | None = None,
    corpus: Sequence[str | Path] | None = None,
    params: str | Path | None = None,
    source_options: SourceOptions | None = None,
    host: str = "127.0.0.1",
    port: int = 0,
    open_browser: bool = True,
    annotator: str | None = None,
    random_share: float = 0.1,
    retrain_every: int = 10,
    strategy: str = "margin",
    seed: int = 0,
    max_chars: int = DEFAULT_MAX_CHARS,
    trust_pickle: bool = False,
    on_ready: Callable[[str], None] | None = None,
) -> AnnotateRun:
    """Serve a labelling page for the paragraphs of ``sources``; answers go to ``out``.

    Runs until Ctrl-C or SIGTERM; every answer is on disk (fsynced) before the page moves on,
    and a new run on the same ``out`` resumes where this one stopped.

    Parameters
    ----------
    sources : sequence of str
        Anything ``stancekit predict`` reads.
    out : path
        The labels file (JSON Lines); skips go to ``<out>.skips``.
    model : path, optional
        The starting model (default ``$STANCEKIT_MODEL`` or ``models/``).
    corpus : paths, optional
        Labelled files or folders the retrain fits on with the new labels (default: the
        project's ``prepare.data``; none found: no retraining).
    params : path, optional
        The params.yaml whose ``prepare.data`` is the default corpus.
    host, port : str, int
        Where to listen (a host other than this machine is warned about; port 0: a free one).
    open_browser : bool
        Open the page in the default browser.
    annotator : str, optional
        Written in every row (default: the login name).
    random_share, retrain_every, strategy, seed :
        The queue: share picked at random, labels between retrains (0: never), ``margin`` or
        ``entropy``, seed of the random picks.
    on_ready : callable, optional
        Called with the page's URL (token included) once it can be opened.

    Raises
    ------
    StancekitError
        The server extra is missing, unreadable inputs, no model, a bad option.
    """
    check_server_installed()
    if host not in ("127.0.0.1", "localhost", "::1"):
        warnings.warn(
            f"--host {host}: the page is reachable from other machines; anyone with the URL "
            "(its token) can read your texts and change your labels.",
            StancekitWarning,
            stacklevel=2,
        )
    if not 0 <= port <= 65535:
        raise UsageError(f"--port: {port} is not a port number (0 to 65535; 0: any free port).")
    from stancekit.annotate.items import read_items
    from stancekit.annotate.retrain import read_corpus_rows
    from stancekit.annotate.server import serve
    from stancekit.annotate.session import AnnotationSession
    from stancekit.annotate.store import AnswerStore
    from stancekit.scoring.predictor import StancePredictor

    out = Path(out)
    if out.suffix.lower() != ".jsonl":
        raise UsageError(f"--out: {out} must end in .jsonl (it is a labelled corpus file).")
    for arg in sources:
        if arg.strip() and Path(arg).is_file() and Path(arg).resolve() == out.resolve():
            raise UsageError(f"--out: {out} is also an input; write the labels to another file.")
    store = AnswerStore(out, exclusive=True)  # a second run on this --out is refused
    try:
        items = read_items(sources, source_options, max_chars)
        predictor = StancePredictor.load(model, trust_pickle=trust_pickle)
        paths = corpus_paths(corpus, params) if retrain_every else []
        corpus_rows = read_corpus_rows(paths, leave_out=out) if paths else None
        if corpus_rows is not None and not corpus_rows.texts:
            if corpus:
                raise DataError(
                    f"--corpus {' '.join(map(str, corpus))}: no labelled rows; give labelled "
                    ".jsonl files or folders of them."
                )
            corpus_rows = None
        if retrain_every and corpus_rows is None:
            warnings.warn(no_corpus_message(params), StancekitWarning, stacklevel=2)
        session = AnnotationSession(
            items,
            store,
            predictor,
            annotator=annotator or default_annotator(),
            random_share=random_share,
            strategy=strategy,
            retrain_every=retrain_every,
            corpus=corpus_rows,
            seed=seed,
        )
    except BaseException:
        store.close()
        raise

    opener: list[Path] = []

    def ready(url: str) -> None:
        if on_ready is not None:
            on_ready(url)
        if open_browser:
            import webbrowser

            opener.append(redirect_file(url))
            webbrowser.open(opener[0].as_uri())

    try:
        serve(session, host=host, port=port, on_ready=ready)
    finally:
        session.close()
        store.close()
        if opener:
            import shutil

            shutil.rmtree(opener[0].parent, ignore_errors=True)
    progress = session.progress()
    return AnnotateRun(
        out, progress["labelled"], progress["skipped"], progress["remaining"], session.model_round
    )
