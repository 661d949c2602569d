"""The stancekit app (stancekit.cli, cli._util): version, help, the one-line error edge."""

from __future__ import annotations

from pathlib import Path

from conftest import run_cli as run
from stancekit import __version__


def test_version_and_help() -> None:
    result = run("--version")
    assert result.exit_code == 0 and result.stdout.strip() == f"stancekit {__version__}"
    commands = (
        "prepare",
        "train",
        "evaluate",
        "tune",
        "predict",
        "info",
        "data check",
        "data stats",
    )
    for command in commands:
        help_result = run(*command.split(), "--help")
        assert help_result.exit_code == 0
        assert "Example" in help_result.stdout


def test_no_model_says_which_command_makes_one(tmp_path: Path) -> None:
    for args in (["predict", "hello"], ["info"], ["evaluate", "--no-cv"]):
        result = run(*args, "--model", tmp_path / "none")
        assert result.exit_code == 1, args
        assert "run `stancekit train`" in result.stderr
        assert result.stdout == "" and "Traceback" not in result.output


def test_corrupt_model_is_one_line(tiny_model: Path) -> None:
    (tiny_model / "model.joblib").write_bytes(b"garbage")
    # predict reads the portable files, never model.joblib ...
    assert run("predict", "hello", "--model", tiny_model).exit_code == 0
    # ... unless trusted; and a corrupt portable file is one line too.
    for args in (["--trust-pickle"], []):
        if not args:
            (tiny_model / "model.npz").write_bytes(b"garbage")
        result = run("predict", "hello", "--model", tiny_model, *args)
        assert result.exit_code == 1
        assert result.stderr.startswith("error: ") and len(result.stderr.splitlines()) == 1


def test_bad_params_file(tmp_path: Path) -> None:
    result = run("train", "--params", tmp_path / "nope.yaml")
    assert result.exit_code == 1 and "not found" in result.stderr


def test_help_loads_no_model_or_scoring_code() -> None:
    """`stancekit --help` stays instant: the CLI's modules import typer and their options only;
    the public names of ``stancekit`` load on first use."""
    import subprocess
    import sys

    code = (
        "import sys, stancekit.cli\n"
        "heavy = ('stancekit.scoring.predictor', 'stancekit.model.pipeline',"
        " 'stancekit.scoring.stream', 'numpy')\n"
        "print(sorted(m for m in heavy if m in sys.modules))\n"
        "from stancekit import StancePredictor\n"
        "print(StancePredictor.__module__)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.splitlines() == ["[]", "stancekit.scoring.predictor"]


def test_help_lists_the_scoring_commands_first() -> None:
    """Issue 22: `predict` came after the pipeline's verbs."""
    lines = run("--help").stdout.split("Commands:")[1].splitlines()
    names = [line.split()[0] for line in lines if line.strip()]
    assert names[:3] == ["predict", "explain", "trends"]
    assert names.index("predict") < names.index("prepare")


def test_missing_inputs_suggests_reading_standard_input() -> None:
    """Issue 22: `echo text | stancekit predict` said "Missing argument" and nothing more."""
    for command in ("predict", "explain"):
        result = run(command, stdin="Sex work is work.\n")
        assert result.exit_code == 2
        (line,) = result.stderr.strip().splitlines()
        assert line.startswith("error: Missing argument 'inputs'.")
        assert f"- to read standard input: echo TEXT | stancekit {command} -." in line


def test_label_map_help_wraps_between_words(monkeypatch) -> None:
    """Issue 22: the --label-map help broke 'decriminalisation' across two lines."""
    monkeypatch.setenv("COLUMNS", "80")
    for command in (["train"], ["evaluate"], ["data", "agreement"]):
        text = run(*command, "--help").stdout
        block = text[text.index("  --label-map <") :].split("\n  --")[0]
        assert "pro=decriminalisation," in block, block
        assert "decrim\n" not in block
