"""Scoring what a user names: read inputs, split paragraphs, score batches, decide labels, write
rows; in this process, worker processes or on Dask.

Importing this package imports none of its modules (so ``stancekit --help`` stays instant).
"""
