"""Labelled paragraphs: the corpus, its checks and statistics, the train/test split, a user's
labelled tables, annotator agreement.

Importing this package imports none of its modules (so ``stancekit --help`` stays instant).
"""
