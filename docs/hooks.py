"""MkDocs hooks: what the site shows that must not drift is made at build time.

A page asks for generated text with an HTML comment on a line of its own:

* ``<!-- stancekit:cli -->``: the CLI reference, every command's ``--help`` from the typer/click
  definitions;
* ``<!-- stancekit:include PATH -->`` / ``<!-- stancekit:include PATH#Heading -->``: a file of the
  repository (its YAML header dropped), or one ``##`` section of it, headings one level down and
  links outside the site turned into plain text;
* ``<!-- stancekit:figures -->``: the held-out and cross-validation figures of the model the
  pipeline wrote (``models/metrics.json`` and ``models/<code>/metrics.json``; the packaged default
  model's when ``models/`` has none), with the file they were read from;
* ``<!-- stancekit:models -->``: the packaged default model: languages, data, figures;
* ``<!-- stancekit:layout -->``: the package's wings and modules, each with its line count and the
  first sentence of its docstring, read from ``src/stancekit`` (nothing imported).

Figures made by the code (``docs/figures.py``) are in ``docs/generated/`` (``make docs``) or in
the folder ``$STANCEKIT_DOCS_FIGURES`` names (the docs test), added to the site as generated files.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
MARKER = re.compile(r"^<!--\s*stancekit:(\w+)(?:\s+(\S+))?\s*-->$", flags=re.M)


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    return MARKER.sub(lambda m: _render(m.group(1), m.group(2)), markdown)


_ROLE = re.compile(r":(?:class|meth|func|mod|attr|data|exc|obj):(<code>)~?")


def on_page_content(html: str, page: Any, config: Any, files: Any) -> str:
    """The docstrings' Sphinx roles (``:class:`~x.Y```) as plain code: mkdocstrings shows them
    verbatim."""
    return _ROLE.sub(r"\1", html)


def on_files(files: Any, config: Any) -> Any:
    from mkdocs.structure.files import File

    outside = os.environ.get("STANCEKIT_DOCS_FIGURES")
    if not outside:
        return files
    for path in sorted(Path(outside).glob("*.png")):
        uri = f"generated/{path.name}"
        existing = files.get_file_from_path(uri)
        if existing is not None:
            files.remove(existing)
        files.append(File.generated(config, uri, abs_src_path=str(path)))
    return files


def _render(kind: str, arg: str | None) -> str:
    if kind == "cli":
        return cli_reference()
    if kind == "include" and arg:
        return include(arg)
    if kind == "figures":
        return figures()
    if kind == "models":
        return packaged_model()
    if kind == "layout":
        return layout()
    raise ValueError(f"unknown docs marker stancekit:{kind}")


def _commands(group: Any, path: tuple[str, ...]) -> list[tuple[str, ...]]:
    found = [path]
    for name in getattr(group, "commands", {}):
        found += _commands(group.commands[name], (*path, name))
    return found


def cli_reference() -> str:
    """Every command's ``--help``, as the installed command prints it (80 columns)."""
    import typer
    from typer.testing import CliRunner

    from stancekit.cli import app

    root = typer.main.get_command(app)
    parts = []
    for path in _commands(root, ()):
        result = CliRunner().invoke(app, [*path, "--help"], env={"COLUMNS": "80"})
        if result.exit_code != 0:
            raise RuntimeError(f"stancekit {' '.join(path)} --help failed: {result.output}")
        title = " ".join(("stancekit", *path))
        parts.append(f"## `{title}`\n\n```text\n{result.stdout.rstrip()}\n```\n")
    return "\n".join(parts)


_LINK = re.compile(r"\[([^\]]+)\]\((?!https?:|#)([^)]+)\)")


def include(spec: str) -> str:
    """A repository file, or one ``## Heading`` section of it, for a page."""
    name, _, heading = spec.partition("#")
    text = (REPO / name).read_text(encoding="utf-8")
    if text.startswith("---\n"):
        text = text.split("\n---\n", 1)[1]
    if heading:
        wanted = heading.replace("-", " ")
        pieces = re.split(r"^(?=## )", text, flags=re.M)
        matches = [p for p in pieces if p.startswith(f"## {wanted}\n")]
        if not matches:
            raise ValueError(f"{name} has no section '## {wanted}'")
        text = matches[0].split("\n", 1)[1]
    else:
        text = re.sub(r"^# .*\n", "", text, count=1)
    text = re.sub(r"^(#+) ", r"\1# ", text, flags=re.M)
    return _LINK.sub(lambda m: f"{m.group(1)} (`{name.rsplit('/', 1)[0]}/{m.group(2)}`)", text)


def _metrics_folders(base: Path) -> dict[str, Path]:
    """The main and per-language folders of ``base`` that hold a ``metrics.json``."""
    folders = {_card_language(base): base}
    for child in sorted(base.iterdir()):
        code = child.name
        if len(code) == 2 and code.isalpha() and (child / "metrics.json").is_file():
            folders[code] = child
    return folders


def _f(value: Any) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def _table(base: Path) -> str:
    rows = [
        "| language | held-out paragraphs | macro-F1 [95% interval] | accuracy | neutral F1 | ECE "
        "| lexicon macro-F1 | grouped CV macro-F1 |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for code, folder in _metrics_folders(base).items():
        metrics = json.loads((folder / "metrics.json").read_text(encoding="utf-8"))
        test, cv = metrics.get("test", {}), metrics.get("cv_macro_f1", {})
        lexicon = metrics.get("lexicon_test", {})
        grouped = ", ".join(f"{k.replace('_', ' ')} {_f(v)}" for k, v in cv.items()) or "n/a"
        rows.append(
            f"| {code} | {test.get('rows')} | {_f(test.get('macro_f1'))} "
            f"[{_f(test.get('macro_f1_low'))}, {_f(test.get('macro_f1_high'))}] "
            f"| {_f(test.get('accuracy'))} | {_f(test.get('neutral_f1'))} | {_f(test.get('ece'))} "
            f"| {_f(lexicon.get('macro_f1'))} "
            f"| {grouped} |"
        )
    return "\n".join(rows) + "\n"


def figures() -> str:
    """The headline table of every language's ``metrics.json``: the pipeline's ``models/``, and
    the packaged default model's when it differs (or when ``models/`` has none)."""
    from stancekit.model.locate import PACKAGED_DIR

    parts = []
    pipeline, packaged = REPO / "models" / "metrics.json", PACKAGED_DIR / "metrics.json"
    if pipeline.is_file():
        parts.append(
            "Read from the pipeline's `models/metrics.json` (and each language's subfolder) when "
            "the site was built.\n\n" + _table(pipeline.parent)
        )
    if packaged.is_file() and (
        not pipeline.is_file() or packaged.read_bytes() != pipeline.read_bytes()
    ):
        what = "differ: it was copied from another run of the pipeline" if parts else "are"
        parts.append(
            f"The figures of the packaged default model (`stancekit/default_model/`) {what}, "
            "read from its `metrics.json` files when the site was built.\n\n"
            + _table(packaged.parent)
        )
    return "\n".join(parts) or "No `metrics.json` yet: run `make run`.\n"


def _card_language(folder: Path) -> str:
    """The main model's language (English when there is no card: the pipeline's metrics only)."""
    path = folder / "model_card.json"
    if not path.is_file():
        return "en"
    return str(json.loads(path.read_text(encoding="utf-8")).get("language", "en"))


def packaged_model() -> str:
    """What the wheel ships as its default model, read from the packaged cards."""
    from stancekit.model.bundle import language_folders
    from stancekit.model.locate import PACKAGED_DIR, data_hash
    from stancekit.model.persist import read_card

    if not (PACKAGED_DIR / "model_card.json").is_file():
        return "This checkout has no packaged default model yet (`make run` makes it).\n"
    rows = ["| language | paragraphs | documents | data sha256 | files |", "|---|---|---|---|---|"]
    folders = {"": PACKAGED_DIR, **language_folders(PACKAGED_DIR)}
    for code, folder in folders.items():
        card = read_card(folder)
        size = sum(p.stat().st_size for p in folder.glob("*") if p.is_file())
        rows.append(
            f"| {card.language} | {card.training_data['rows']} | "
            f"{card.training_data['documents']} | `{data_hash(card)}` | "
            f"{size / 1e6:.2f} MB in `default_model/{code + '/' if code else ''}` |"
        )
    return "\n".join(rows) + "\n"


def _first_sentence(path: Path, limit: int = 160) -> str:
    """The first sentence of a module's docstring (its first paragraph, to the first full stop),
    cut at ``limit`` characters."""
    import ast

    doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
    text = " ".join(doc.split("\n\n")[0].split())
    text = re.sub(r":(?:class|meth|func|mod|attr|data|exc|obj):`~?([^`]+)`", r"`\1`", text)
    text = text.replace("``", "`")
    end = re.search(r"\.(\s|$)", text)
    text = text[: end.start() + 1] if end else text
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + " …"


def layout(package: Path = REPO / "src" / "stancekit") -> str:
    """The package as it is: the top-level modules, then each wing (a folder with an
    ``__init__.py``) with its modules, lines and the first sentence of each docstring."""
    rows = ["| module | lines | what it owns |", "|---|---:|---|"]

    def add(path: Path) -> None:
        name = ".".join(path.relative_to(package.parent).with_suffix("").parts)
        lines = len(path.read_text(encoding="utf-8").splitlines())
        rows.append(f"| `{name}` | {lines} | {_first_sentence(path).replace('|', '/')} |")

    for path in sorted(package.glob("*.py")):
        add(path)
    for wing in sorted(p for p in package.rglob("*") if (p / "__init__.py").is_file()):
        rows.append(
            f"| **`{'.'.join(wing.relative_to(package.parent).parts)}`** | | "
            f"{_first_sentence(wing / '__init__.py').replace('|', '/')} |"
        )
        for path in sorted(wing.glob("*.py")):
            if path.name != "__init__.py":
                add(path)
    return "\n".join(rows) + "\n"
