from __future__ import annotations

import io
from pathlib import Path

import pytest

from stancekit.errors import InputError
from stancekit.inputs import iter_documents


def test_texts_files_folders_and_stdin(tmp_path: Path) -> None:
    (tmp_path / "docs" / "sub").mkdir(parents=True)
    (tmp_path / "docs" / "a.txt").write_text("A.", encoding="utf-8")
    (tmp_path / "docs" / "sub" / "b.md").write_text("B.", encoding="utf-8")
    (tmp_path / "docs" / "skip.bin").write_bytes(b"\x00")
    single = tmp_path / "one.txt"
    single.write_text("One.", encoding="utf-8")
    docs = list(
        iter_documents(
            ["First text.", str(single), str(tmp_path / "docs"), "-", "Second text."],
            io.StringIO("From stdin."),
        )
    )
    assert docs == [
        ("text-1", "First text."),
        (str(single), "One."),
        (str(tmp_path / "docs" / "a.txt"), "A."),
        (str(tmp_path / "docs" / "sub" / "b.md"), "B."),
        ("stdin", "From stdin."),
        ("text-2", "Second text."),
    ]


@pytest.mark.parametrize("arg", ["missing.txt", "some/dir/file", "notes.md"])
def test_path_like_arguments_that_do_not_exist(arg: str) -> None:
    with pytest.raises(InputError, match="no such file"):
        list(iter_documents([arg]))


def test_a_sentence_with_a_slash_is_text() -> None:
    assert list(iter_documents(["Sellers and/or buyers."])) == [
        ("text-1", "Sellers and/or buyers.")
    ]


def test_binary_and_non_utf8_files(tmp_path: Path) -> None:
    binary = tmp_path / "x.txt"
    binary.write_bytes(b"PK\x03\x04\x00\x00")
    with pytest.raises(InputError, match="binary file"):
        list(iter_documents([str(binary)]))
    latin = tmp_path / "y.txt"
    latin.write_bytes("café".encode("latin-1"))
    with pytest.raises(InputError, match="not UTF-8"):
        list(iter_documents([str(latin)]))


def test_empty_folder_and_no_arguments(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"no \.txt/\.md files"):
        list(iter_documents([str(tmp_path)]))
    with pytest.raises(InputError, match="nothing to score"):
        list(iter_documents([]))
