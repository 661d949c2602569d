"""What a model is and how it is fitted, explained, saved, found and loaded (one model per language
in a folder).

Importing this package imports none of its modules (so ``stancekit --help`` stays instant).
"""
