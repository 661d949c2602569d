"""Reading and writing files: atomic writes, folders, JSON Lines, tables (CSV, TSV, Parquet,
xlsx: encodings, checks, rows), spreadsheets, the input-cell rule, dates, terminal tables.

Importing this package imports none of its modules (so ``stancekit --help`` stays instant).
"""
