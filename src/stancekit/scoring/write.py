"""Write scored paragraphs (or document summaries) as a table, JSON Lines, CSV, TSV or Parquet.

Every machine row is flat: ``doc_id, paragraph_index, label, p_<label>..., margin``, the input's
pass-through columns (renamed ``input_<name>`` when they clash with these), ``text``, and with
explanations ``explain_<label>`` (a list of ``[term, contribution]``; a JSON string in CSV, TSV and
Parquet). Writers stream: each scored batch is written at once (``write_batch``), as it comes.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

from stancekit.errors import InputError, UsageError
from stancekit.io.cells import defuse_formula, is_missing
from stancekit.scoring.aggregate import DocumentAggregator
from stancekit.scoring.columns import (
    arrow_schema,
    document_record,
    jsonable,
    output_text,
    paragraph_record,
    paragraph_records,
)
from stancekit.scoring.rows import ScoredParagraph, ScoredRows
from stancekit.scoring.terminal import TableWriter

FORMATS = ("table", "jsonl", "csv", "tsv", "parquet", "xlsx", "csv-excel")
#: Formats written as bytes: they need ``-o FILE``.
BINARY_FORMATS = ("parquet", "xlsx")
_PARQUET_BATCH = 5000
#: Lines joined into one write: a whole batch's (megabytes) measured slower than line by line;
#: a block of lines stays in the CPU's caches.
_WRITE_LINES = 128
#: The format a file ending implies (``format="auto"``).
FORMAT_BY_SUFFIX = {
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".csv": "csv",
    ".tsv": "tsv",
    ".parquet": "parquet",
    ".xlsx": "xlsx",
    ".txt": "table",
}


def check_format(fmt: str, auto: bool = False) -> None:
    """Refuse an unknown output format (``auto`` too, if ``auto``).

    Raises
    ------
    UsageError
        Naming the formats there are.
    """
    known = ("auto", *FORMATS) if auto else FORMATS
    if fmt not in known:
        raise UsageError(f"--format: {fmt!r} is not one of {', '.join(known)}.")


def output_format(requested: str, output: Path | None, terminal: bool) -> str:
    """The format to write: ``requested``, or for ``"auto"`` the one ``output``'s file ending
    implies (:data:`FORMAT_BY_SUFFIX`), else a table on a ``terminal`` and JSON Lines in a pipe.

    Raises
    ------
    UsageError
        An unknown format; an ending that implies none; parquet to standard output.
    """
    check_format(requested, auto=True)
    fmt = requested
    if requested == "auto":
        if output is None:
            fmt = "table" if terminal else "jsonl"
        elif output.suffix.lower() in FORMAT_BY_SUFFIX:
            fmt = FORMAT_BY_SUFFIX[output.suffix.lower()]
        else:
            raise UsageError(
                f"--output: cannot tell the format from {output.name!r}: end it in "
                f"{', '.join(FORMAT_BY_SUFFIX)}, or pass --format."
            )
    if fmt in BINARY_FORMATS and output is None:
        raise UsageError(f"--format {fmt} is binary: give -o FILE.{fmt}.")
    return fmt


class JsonlWriter:
    """JSON Lines via orjson (about 15 times faster than json.dumps on these rows)."""

    def __init__(self, handle: IO[str]) -> None:
        import orjson

        self.handle = handle
        self._dumps = orjson.dumps
        self._option = orjson.OPT_APPEND_NEWLINE | orjson.OPT_SERIALIZE_NUMPY

    def write(self, record: dict[str, Any]) -> None:
        self.write_batch([record])

    def write_batch(self, records: list[dict[str, Any]]) -> None:
        """Write the lines of ``records``, a block of :data:`_WRITE_LINES` at a time."""
        dumps, option, write = self._dumps, self._option, self.handle.write
        for start in range(0, len(records), _WRITE_LINES):
            # default: pass-through values orjson cannot encode (Decimal or bytes from Parquet).
            block = [
                dumps(record, default=jsonable, option=option)
                for record in records[start : start + _WRITE_LINES]
            ]
            write(b"".join(block).decode())

    def close(self) -> None:
        pass

    def abort(self) -> None:
        pass


class CsvWriter:
    """CSV (or TSV) with the first row's columns as header; later rows' unknown columns are
    dropped and missing ones left empty.

    The output is what ``csv.writer`` (minimal quoting, ``\\n`` line ends) writes, built
    directly: the csv module scans long texts character by character, which made it the slowest
    step of CSV output. Lists and dicts (explanations, nested input columns) are JSON.
    """

    def __init__(
        self,
        handle: IO[str],
        delimiter: str = ",",
        line_end: str = "\n",
        bom: bool = False,
        defuse: bool = False,
    ) -> None:
        self.handle = handle
        self.delimiter, self.line_end, self.bom = delimiter, line_end, bom
        self.defuse = defuse  # text cells that would be formulas get a leading '
        self.fields: list[str] | None = None

    def _field(self, value: Any) -> str:
        if value is None:
            return ""
        kind = type(value)
        if kind is float or kind is int:  # output_text's str(value), never defused
            text = str(value)
        else:
            text = output_text(value)
            if self.defuse and not isinstance(value, int | float):
                text = defuse_formula(text)
        if self.delimiter in text or '"' in text or "\n" in text or "\r" in text:
            return '"' + text.replace('"', '""') + '"'
        return text

    def _line(self, values: list[Any]) -> str:
        cells = [self._field(value) for value in values]
        # csv.writer quotes a lone empty field so that the row is not blank
        return (self.delimiter.join(cells) if cells != [""] else '""') + self.line_end

    def write(self, record: dict[str, Any]) -> None:
        self.write_batch([record])

    def write_batch(self, records: list[dict[str, Any]]) -> None:
        """Write the lines of ``records``, a block of :data:`_WRITE_LINES` at a time (the header
        first, from the first record)."""
        if not records:
            return
        if self.fields is None:
            self.fields = list(records[0])
            self.handle.write(("\ufeff" if self.bom else "") + self._line(self.fields))
        fields, line, write = self.fields, self._line, self.handle.write
        for start in range(0, len(records), _WRITE_LINES):
            block = records[start : start + _WRITE_LINES]
            write("".join([line([record.get(name) for name in fields]) for record in block]))

    def close(self) -> None:
        pass

    def abort(self) -> None:
        pass


class ParquetWriter:
    """Parquet in row groups of 5,000; pass-through columns are stored as strings. A batch's
    values are taken column by column as it comes, and made Arrow 5,000 rows at a time."""

    def __init__(self, handle: IO[bytes]) -> None:
        self.handle = handle
        self.columns: dict[str, list[Any]] = {}
        self.buffered = 0
        self.writer: Any = None
        self.schema: Any = None

    def _schema(self, record: dict[str, Any]) -> Any:
        import pyarrow as pa

        def kind(name: str) -> Any:
            if name == "paragraph_index" or name == "paragraphs":
                return pa.int64()
            if name.startswith(("p_", "share_", "mean_p_")) or name == "margin":
                return pa.float64()
            return pa.string()

        return pa.schema([(name, kind(name)) for name in record])

    def write(self, record: dict[str, Any]) -> None:
        self.write_batch([record])

    def write_batch(self, records: list[dict[str, Any]]) -> None:
        """Buffer ``records`` by column (the first record's columns); write each 5,000 rows."""
        import pyarrow as pa

        if not records:
            return
        if self.schema is None:
            self.schema = arrow_schema(list(records[0]))
            self.columns = {field.name: [] for field in self.schema}
        for field in self.schema:
            name = field.name
            values = [row.get(name) for row in records]
            if pa.types.is_string(field.type):  # a float NaN is missing, as on the table route
                values = [None if is_missing(v) else output_text(v) for v in values]
            self.columns[name].extend(values)
        self.buffered += len(records)
        while self.buffered >= _PARQUET_BATCH:
            self._flush(_PARQUET_BATCH)

    def _flush(self, size: int) -> None:
        """Write the first ``size`` buffered rows as a row group."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        if self.writer is None:
            self.writer = pq.ParquetWriter(self.handle, self.schema)
        columns = {}
        for field in self.schema:
            values = self.columns[field.name]
            self.columns[field.name] = values[size:]
            try:
                columns[field.name] = pa.array(values[:size], type=field.type)
            except (pa.ArrowInvalid, pa.ArrowTypeError) as exc:
                raise InputError(
                    f"cannot store column {field.name!r} in Parquet ({exc}); "
                    "use --format jsonl or csv."
                ) from None
        self.writer.write_table(pa.table(columns, schema=self.schema))
        self.buffered -= size

    def close(self) -> None:
        if self.buffered:
            self._flush(self.buffered)
        if self.writer is not None:
            self.writer.close()

    def abort(self) -> None:
        """Release the file after a failure without writing the rows still buffered."""
        self.columns, self.buffered = {}, 0
        if self.writer is not None:
            with contextlib.suppress(Exception):
                self.writer.close()


def _paragraphs(item: ScoredParagraph | ScoredRows) -> Iterable[ScoredParagraph]:
    """The rows of a scored batch, or a row alone."""
    return item.paragraphs() if isinstance(item, ScoredRows) else (item,)


def _records(item: ScoredParagraph | ScoredRows) -> list[dict[str, Any]]:
    """The output rows of a scored batch (built column by column), or of a row alone."""
    return paragraph_records(item) if isinstance(item, ScoredRows) else [paragraph_record(item)]


def write_results(
    scored: Iterable[ScoredParagraph | ScoredRows],
    handle: IO,
    fmt: str,
    labels: tuple[str, ...],
    aggregate: bool = False,
    abstains: bool = False,
) -> int:
    """Write ``scored`` to ``handle`` in ``fmt``; return the number of rows written.

    ``scored`` holds scored rows, or scored batches (:class:`~stancekit.scoring.rows.ScoredRows`,
    what :func:`~stancekit.scoring.stream.score_record_batches` yields), each written at once.
    ``aggregate`` writes one row per document instead of per paragraph (the table: the
    document lines only).
    """
    check_format(fmt)
    aggregator = DocumentAggregator(labels, abstains)
    rows = 0
    if fmt == "table":
        table = TableWriter(handle, labels, aggregate=aggregate)
        for item in scored:
            for p in _paragraphs(item):
                if (summary := aggregator.add(p)) is not None:
                    table.document(summary)
                table.paragraph(p)
                rows += 1
        if (summary := aggregator.finish()) is not None:
            table.document(summary)
        return rows
    writer: JsonlWriter | CsvWriter | ParquetWriter | XlsxWriter
    if fmt == "tsv":
        writer = CsvWriter(handle, delimiter="\t")
    elif fmt == "csv-excel":  # UTF-8 with a byte-order mark and CRLF: what Excel expects
        writer = CsvWriter(handle, line_end="\r\n", bom=True, defuse=True)
    elif fmt == "xlsx":
        from stancekit.io.spreadsheet import XlsxWriter

        writer = XlsxWriter(handle)
    else:
        writer = {"jsonl": JsonlWriter, "csv": CsvWriter, "parquet": ParquetWriter}[fmt](handle)
    try:
        if aggregate:
            for item in scored:
                documents = [
                    document_record(summary)
                    for p in _paragraphs(item)
                    if (summary := aggregator.add(p)) is not None
                ]
                if documents:
                    writer.write_batch(documents)
                    rows += len(documents)
            if (summary := aggregator.finish()) is not None:
                writer.write_batch([document_record(summary)])
                rows += 1
        else:
            for item in scored:
                records = _records(item)
                writer.write_batch(records)
                rows += len(records)
    except BaseException:
        writer.abort()
        raise
    writer.close()
    return rows


def render(
    scored: Iterable[ScoredParagraph | ScoredRows],
    fmt: str,
    labels: tuple[str, ...],
    aggregate: bool = False,
    abstains: bool = False,
) -> str:
    """The output as a string (text formats only); handy in notebooks and tests."""
    if fmt in BINARY_FORMATS:
        raise InputError(f"{fmt} is binary: write it to a file.")
    out = io.StringIO()
    write_results(scored, out, fmt, labels, aggregate, abstains)
    return out.getvalue()
