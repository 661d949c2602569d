"""`stancekit train` stopped while saving (issue 23): a real SIGTERM, a real full disk. The
previous model stays whole; no mix of new and old files, no staging folder left.

Each case runs the real command in a child process; a hook in the child makes the fault happen
at the worst moment, after the new ``model.joblib`` is written and before the portable files
are."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import tiny_rows, write_jsonl

HOOK = """
import os, resource, signal, sys
resource.setrlimit(resource.RLIMIT_FSIZE, (16 << 20, 16 << 20))
import stancekit.model.portable.export as export

fault, filler = sys.argv[1], sys.argv[2]  # read before sys.argv becomes the command's
real = export.save_portable

def save_portable(*args, **kwargs):
    if fault == "sigterm":
        os.kill(os.getpid(), signal.SIGTERM)
    else:  # fill the (1 MB) disk; never more than 16 MB, whatever the path
        with open(filler, "ab") as handle:
            try:
                for _ in range(4096):
                    handle.write(b"x" * 4096)
                    handle.flush()
            except OSError:
                pass
    return real(*args, **kwargs)

export.save_portable = save_portable
from stancekit.cli import main
sys.argv = ["stancekit", *sys.argv[3:]]
main()
"""


def _digests(folder: Path) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.iterdir())
        if p.is_file()
    }


def _params(folder: Path, c: float) -> Path:
    path = folder / f"params-{c}.yaml"
    path.write_text(
        f"train:\n  min_df: 1\n  max_df: 1.0\n  ngram_range: [1, 1]\n  C: {c}\n"
        "  calibration: null\n",
        encoding="utf-8",
    )
    return path


def _train(fault: str, filler: Path, *args: object) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", HOOK, fault, str(filler), "train", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.parametrize("fault", ["sigterm", "full-disk"])
def test_a_fault_while_saving_leaves_the_previous_model_whole(
    tmp_path: Path, small_disk, fault: str
) -> None:
    data = write_jsonl(tmp_path / "data.jsonl", tiny_rows())
    model = small_disk.root / "model"
    command = ["train", "--params", _params(tmp_path, 1.0), "--data", data]
    first = subprocess.run(
        [sys.executable, "-m", "stancekit", *command, "--without-corpus", "--model", model],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert first.returncode == 0, first.stderr
    before = _digests(model)
    filler = small_disk.root / "filler"
    result = _train(
        fault, filler, "--params", _params(tmp_path, 50.0), "--data", data,
        "--without-corpus", "--model", model,
    )  # fmt: skip
    assert result.returncode == (143 if fault == "sigterm" else 1), result.stderr
    assert "Traceback" not in result.stderr
    if fault == "full-disk":
        (line,) = result.stderr.strip().splitlines()
        assert line.startswith("error: ") and "disk is full" in line
    assert _digests(model) == before  # the previous model, whole
    assert sorted(p.name for p in model.iterdir()) == sorted(before)  # no staging folder
    filler.unlink(missing_ok=True)
    again = subprocess.run(
        [sys.executable, "-m", "stancekit", "predict", "Sex work is work.", "--model", str(model)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert again.returncode == 0, again.stderr


# --- training lows: each a one-line error that says what to do, or a warning ---------------


def _table(tmp_path: Path, name: str, body: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(body, bytes):
        path.write_bytes(body)
    else:
        path.write_text(body, encoding="utf-8")
    return path


def _rows_csv(count: int = 12) -> str:
    rows = tiny_rows()[:count]
    return "text,label\n" + "".join(f'"{r["text"]}",{r["label"]}\n' for r in rows)


def _train_table(tmp_path: Path, table: Path, *more: object):
    from conftest import run_cli

    return run_cli(
        "train", "--params", _params(tmp_path, 1.0), "--data", table, "--without-corpus",
        "--model", tmp_path / "model", *more,
    )  # fmt: skip


def test_undecodable_csv_names_the_line_and_no_option_train_lacks(tmp_path: Path) -> None:
    from conftest import assert_one_error_line

    body = (_rows_csv() + '"Caf\xe9 owners oppose the law.",neutral\n').encode("latin-1")
    result = _train_table(tmp_path, _table(tmp_path, "latin.csv", body))
    assert_one_error_line(result, "latin.csv:14: cannot decode byte 4 of the line as utf-8")
    assert "--encoding" not in result.stderr and "UTF-8" in result.stderr


def test_a_label_map_that_merges_two_labels_warns(tmp_path: Path) -> None:
    body = (
        _rows_csv().replace(",decriminalisation\n", ",pro\n").replace(",abolitionist\n", ",anti\n")
    )
    result = _train_table(
        tmp_path, _table(tmp_path, "mine.csv", body),
        "--label-map", "pro=decriminalisation,anti=decriminalisation,neutral=neutral",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    (warning,) = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert "only 2 of 3 classes" in warning and "abolitionist" in warning
    assert "'anti' and 'pro' to decriminalisation" in warning


def test_a_column_named_twice_is_refused(tmp_path: Path) -> None:
    from conftest import assert_one_error_line

    body = _rows_csv().replace("text,label\n", "text,label,text\n").replace("\n", ",x\n")
    body = body.replace("text,label,text,x\n", "text,label,text\n", 1)
    result = _train_table(tmp_path, _table(tmp_path, "dup.csv", body))
    assert_one_error_line(result, "dup.csv:1: column 'text' is named twice")


def test_a_huge_paragraph_index_is_refused(tmp_path: Path) -> None:
    from conftest import assert_one_error_line

    rows = tiny_rows()[:12]
    body = "text,label,paragraph_index\n" + "".join(
        f'"{r["text"]}",{r["label"]},{10**30 if n == 5 else 0}\n' for n, r in enumerate(rows)
    )
    result = _train_table(tmp_path, _table(tmp_path, "index.csv", body))
    assert_one_error_line(result, "index.csv: row 6: paragraph_index 1e+30 is out of range")


def test_an_xlsx_renamed_csv_is_named_as_a_spreadsheet(tmp_path: Path) -> None:
    import zipfile

    from conftest import assert_one_error_line

    path = tmp_path / "sheet.csv"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
    result = _train_table(tmp_path, path)
    assert_one_error_line(result, "sheet.csv: a zip file (an Excel .xlsx")
    assert "PK" not in result.stderr and "encoding" not in result.stderr


def test_a_huge_cell_is_refused_without_reading_it_whole(tmp_path: Path) -> None:
    from conftest import assert_one_error_line
    from stancekit.data.labelled import MAX_TEXT_CHARS

    body = _rows_csv() + '"' + "word " * (MAX_TEXT_CHARS // 5 + 10) + '",neutral\n'
    result = _train_table(tmp_path, _table(tmp_path, "big.csv", body))
    assert_one_error_line(result, "big.csv:14: a field longer than 1,000,000 characters")
    assert not (tmp_path / "model").exists()
