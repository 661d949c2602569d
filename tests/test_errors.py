"""stancekit.errors: one base class, exit codes the CLI uses, and every library error typed."""

from __future__ import annotations

import pytest

from stancekit import StancekitError, errors


def test_every_error_derives_from_the_base_with_its_exit_code() -> None:
    classes = [
        obj
        for obj in vars(errors).values()
        if isinstance(obj, type)
        and issubclass(obj, Exception)
        and not issubclass(obj, Warning)
        and obj is not StancekitError
    ]
    assert {c.__name__ for c in classes} == {
        "UsageError",
        "InputError",
        "OutputError",
        "DataError",
        "ParamsError",
        "ModelNotFoundError",
        "ModelLoadError",
        "UntrustedModelError",
    }
    for cls in classes:
        assert issubclass(cls, StancekitError)
        assert cls.exit_code == (2 if cls is errors.UsageError else 1), cls


def test_usage_errors_exit_2_and_others_1_through_the_cli(tmp_path) -> None:
    from conftest import run_cli

    usage = run_cli("predict", "x", "--model", tmp_path, "--unit", "sentence")
    assert usage.exit_code == 2 and usage.stderr.startswith("error: --unit: 'sentence'")
    missing = run_cli("predict", "x", "--model", tmp_path)
    assert missing.exit_code == 1 and "no trained model" in missing.stderr


def test_library_errors_are_catchable_by_the_base() -> None:
    from stancekit.scoring.read import iter_records

    with pytest.raises(StancekitError, match="no such file or folder"):
        list(iter_records(["missing/file.txt"]))
