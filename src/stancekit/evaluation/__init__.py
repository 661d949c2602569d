"""How good a model is: held-out scores, grouped cross-validation, baselines, metrics files, the
text summary and the HTML report, tuning.

Importing this package imports none of its modules (so ``stancekit --help`` stays instant).
"""
