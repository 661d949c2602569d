"""``stancekit annotate``: label paragraphs of your own texts in a local web page, the ones the
model is least sure of first, while the model retrains in the background.

:mod:`~stancekit.annotate.store` keeps the answers (the output JSONL and its skips sidecar),
:mod:`~stancekit.annotate.session` the paragraphs, the model, the queue and the progress,
:mod:`~stancekit.annotate.queue` the order, :mod:`~stancekit.annotate.server` the page (Starlette,
the optional ``annotate`` extra). Importing this package imports none of them.
"""
