"""pandas at the edge of the column-wise partition scorer: a pandas partition (Dask's) read
column by column as :func:`~stancekit.scoring.partition.score_partition` reads an Arrow table
(:func:`frame_columns`), and its scored rows back as a pandas DataFrame with the dtypes of
Dask's ``meta`` (:func:`pandas_rows`, :func:`~stancekit.scoring.columns.empty_frame`).

A cell reads the same on either side: the scorer asks a table for its column names, its number
of rows and each column's values as Python objects; a pandas partition answers with its cells as
they are (JSON Lines values of mixed types, timestamps, lists), missing ones ``None``, so no
value is converted on the way.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd


class _Column:
    """One column's cells, as :meth:`pyarrow.ChunkedArray.to_pylist` gives an Arrow column's."""

    def __init__(self, series: pd.Series) -> None:
        self._series = series

    def to_pylist(self) -> list[Any]:
        missing = self._series.isna().to_numpy().tolist()
        return [None if m else v for v, m in zip(self._series.tolist(), missing, strict=True)]


class FrameColumns:
    """A pandas partition seen as the scorer sees an Arrow table: ``column_names``, ``num_rows``
    and ``column(name).to_pylist()`` (missing cells, by pandas's ``isna``, are ``None``)."""

    def __init__(self, frame: pd.DataFrame) -> None:
        self._frame = frame
        self.column_names = [str(name) for name in frame.columns]
        self.num_rows = len(frame)

    def column(self, name: str) -> _Column:
        return _Column(self._frame.iloc[:, self.column_names.index(name)])


def frame_columns(frame: pd.DataFrame) -> FrameColumns:
    """A pandas partition as :func:`~stancekit.scoring.partition.score_partition` reads a table,
    every cell as it is.

    Parameters
    ----------
    frame : pandas.DataFrame
        One document per row (hidden columns included).

    Returns
    -------
    FrameColumns
    """
    return FrameColumns(frame)


def pandas_rows(table: Any) -> pd.DataFrame:
    """Scored rows (an Arrow table in :func:`~stancekit.scoring.columns.arrow_schema`) as the
    pandas DataFrame Dask's ``meta`` (:func:`~stancekit.scoring.columns.empty_frame`) describes:
    ``paragraph_index`` nullable ``Int64``, probabilities and margin ``float64``, text
    ``object``.

    Parameters
    ----------
    table : pyarrow.Table
        :attr:`~stancekit.scoring.rows.PartitionResult.table`.

    Returns
    -------
    pandas.DataFrame
    """
    import pandas as pd

    from stancekit.scoring.columns import empty_frame

    dtypes = empty_frame(table.column_names).dtypes
    return pd.DataFrame(
        {
            name: pd.array(table.column(name).to_pylist(), dtype=dtypes[name])
            for name in table.column_names
        }
    )
