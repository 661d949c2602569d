"""A trained model as plain data (JSON + numpy arrays), exported from scikit-learn and scored with
numpy alone.

Importing this package imports none of its modules (so ``stancekit --help`` stays instant).
"""
