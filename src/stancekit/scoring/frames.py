"""pandas at the edge of the Arrow-native partition scorer: a pandas partition (Dask's) as the
Arrow table :func:`~stancekit.scoring.partition.score_partition` reads
(:func:`arrow_partition`), and its scored rows back as a pandas DataFrame with the dtypes of
Dask's ``meta`` (:func:`pandas_rows`, :func:`~stancekit.scoring.columns.empty_frame`).

A cell reads the same on either side: a column Arrow holds exactly (text, numbers, lists of one
type ...) becomes that Arrow column; any other (JSON Lines values of mixed types, pandas
timestamps) keeps its Python objects, pickled in an extension column that exists only in this
process (never read from a file: it is not registered with Arrow).
"""

from __future__ import annotations

import functools
import pickle
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd


@functools.cache
def _objects_type() -> Any:
    """The Arrow type of a column of Python objects (pickles of this process's own values)."""
    import pyarrow as pa

    class ObjectScalar(pa.ExtensionScalar):
        def as_py(self, **kwargs: Any) -> Any:
            return None if self.value is None else pickle.loads(self.value.as_py())

    class ObjectType(pa.ExtensionType):
        def __init__(self) -> None:
            super().__init__(pa.binary(), "stancekit.python_objects")

        def __arrow_ext_serialize__(self) -> bytes:
            return b""

        @classmethod
        def __arrow_ext_deserialize__(cls, storage_type: Any, serialized: bytes) -> Any:
            return cls()

        def __arrow_ext_scalar_class__(self) -> type:
            return ObjectScalar

    return ObjectType()


def _arrow_column(values: list[Any]) -> Any:
    """``values`` (missing cells ``None``) as an Arrow array that gives them back as they are."""
    import pyarrow as pa

    if all(v is None or type(v) is str for v in values):
        return pa.array(values, pa.string())
    try:
        array = pa.array(values)
    except (pa.ArrowException, TypeError, ValueError, OverflowError):
        array = None
    if array is not None and repr(array.to_pylist()) == repr(values):
        return array
    pickles = [None if v is None else pickle.dumps(v) for v in values]
    return pa.ExtensionArray.from_storage(_objects_type(), pa.array(pickles, pa.binary()))


def arrow_partition(frame: pd.DataFrame) -> Any:
    """A pandas partition as the Arrow table :func:`score_partition` reads: column names as
    text, missing cells (pandas's ``isna``: None, NaN, a Decimal NaN) null, every other cell as
    it is.

    Parameters
    ----------
    frame : pandas.DataFrame
        One document per row (hidden columns included).

    Returns
    -------
    pyarrow.Table
    """
    import pyarrow as pa

    arrays = []
    for position in range(len(frame.columns)):
        series = frame.iloc[:, position]
        missing = series.isna().to_numpy().tolist()
        values = [None if m else v for v, m in zip(series.tolist(), missing, strict=True)]
        arrays.append(_arrow_column(values))
    return pa.Table.from_arrays(arrays, names=[str(name) for name in frame.columns])


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
