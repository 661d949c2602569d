"""One annotation run: the paragraphs, the current model and its queue, the answers, progress.

The model scores every paragraph; :func:`stancekit.annotate.queue.rank` orders them. Every
``retrain_every`` labels a background thread fits the model again on the corpus plus the labels
so far (:func:`stancekit.model.pipeline.fit_pipeline`, the starting model's settings), scores the
paragraphs again and re-ranks. Accuracy on the user's labels is reported two ways, each named:
*prequential* (the guess shown before each label, which the model had not seen) and, with enough
labels, document-grouped cross-validation of corpus + labels on the labels.
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from stancekit.annotate.items import Item, neighbours
from stancekit.annotate.store import AnswerStore, utc_now
from stancekit.errors import StancekitError, UsageError
from stancekit.labels import LABELS

if TYPE_CHECKING:
    from stancekit.annotate.retrain import Corpus
    from stancekit.params import TrainParams
    from stancekit.scoring.predictor import StancePredictor

#: Cross-validate on the user's labels once there are this many, in this many documents.
CV_MIN_LABELS = 20
CV_MIN_DOCUMENTS = 4
CV_FOLDS = 5
STRATEGIES = ("margin", "entropy")


class AnnotationSession:
    """The state behind the labelling page (thread-safe).

    Parameters
    ----------
    items : sequence of Item
        The paragraphs to label.
    store : AnswerStore
        Where answers go (already holds those of earlier runs: they are not shown again).
    predictor : StancePredictor
        The starting model.
    annotator : str
        Written in every row.
    random_share : float
        Share of the queue picked at random (0 to 1).
    strategy : {"margin", "entropy"}
        How uncertainty is measured.
    retrain_every : int
        Retrain after this many new labels (0: never).
    corpus : Corpus, optional
        What the retrain starts from (``None``: no retraining).
    train_params : TrainParams, optional
        The retrain's settings (default: the starting model's card, else the defaults).
    seed : int
        Seed of the queue's random picks.
    """

    def __init__(
        self,
        items: Sequence[Item],
        store: AnswerStore,
        predictor: StancePredictor,
        *,
        annotator: str,
        random_share: float = 0.1,
        strategy: str = "margin",
        retrain_every: int = 10,
        corpus: Corpus | None = None,
        train_params: TrainParams | None = None,
        seed: int = 0,
    ) -> None:
        if not 0.0 <= random_share <= 1.0:
            raise UsageError(f"--random: {random_share} is not a fraction between 0 and 1.")
        if strategy not in STRATEGIES:
            raise UsageError(f"--strategy: {strategy!r} is not margin or entropy.")
        if retrain_every < 0:
            raise UsageError(f"--retrain-every: {retrain_every} is not a number of labels.")
        self.items = list(items)
        self.index = {item.key: i for i, item in enumerate(self.items)}
        self.store = store
        self.annotator = annotator
        self.random_share = random_share
        self.strategy = strategy
        self.retrain_every = retrain_every if corpus is not None else 0
        self.corpus = corpus
        self.train_params = train_params or _card_params(predictor)
        self.seed = seed
        self.model_round = 0
        self.retraining = False
        self.retrain_error: str | None = None
        self.cv: dict[str, Any] | None = None
        self._lock = threading.RLock()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._labels_at_fit = len(store.rows)
        self._shown: dict[str, dict[str, Any]] = {}
        # Each paragraph's language, as predict identifies it; it goes into its row, so the
        # label reaches its language's split (and model) in the pipeline.
        self.languages = predictor.identify([item.text for item in self.items])
        self._use(predictor, self._score(predictor))

    # -- the model and the queue -------------------------------------------------------------

    def _score(self, predictor: StancePredictor) -> Any:
        """Each paragraph's probabilities; NaN rows (a language the model does not read) stay
        NaN for the page, and count as the most uncertain in the queue."""
        return predictor.predict_proba([item.text for item in self.items])

    def _use(self, predictor: StancePredictor, probabilities: Any, model_round: int = 0) -> None:
        """Switch to ``predictor`` (its scores given, its retrain round) and rank the queue
        again. ``model_round`` changes last, so whoever sees the new round (without the lock)
        sees the new model and scores too."""
        import numpy as np

        from stancekit.annotate.queue import rank

        done = [i for i, item in enumerate(self.items) if self.store.answered(item.key)]
        ranked = np.where(np.isnan(probabilities), 1.0 / probabilities.shape[1], probabilities)
        order = rank(
            ranked,
            [item.doc_id for item in self.items],
            strategy=self.strategy,
            random_share=self.random_share,
            seed=self.seed + model_round,
            exclude=done,
        )
        with self._lock:
            self.predictor = predictor
            self.probabilities = probabilities
            self.order = order
            self._shown.clear()
            self.model_round = model_round

    def current(self) -> dict[str, Any] | None:
        """The paragraph to show next (with context, the model's guess and the terms behind
        it), or ``None`` when every paragraph has an answer."""
        with self._lock:
            for position, (index, picked_by) in enumerate(self.order):
                item = self.items[index]
                if not self.store.answered(item.key):
                    return self._describe(index, picked_by, position)
        return None

    def _probabilities(self, index: int) -> dict[str, float]:
        """The model's probabilities for paragraph ``index`` (none: a language it does not
        read)."""
        row = self.probabilities[index]
        return {
            label: round(float(p), 4)
            for label, p in zip(self.predictor.labels, row, strict=True)
            if p == p
        }

    def _describe(self, index: int, picked_by: str, position: int) -> dict[str, Any]:
        from stancekit.language import UNSUPPORTED
        from stancekit.model.explain import explain_texts, token_weights

        item = self.items[index]
        labels = self.predictor.labels
        probabilities = self._probabilities(index)
        language = self.languages[index]
        if probabilities:
            guess = max(probabilities, key=probabilities.__getitem__)
            model = self.predictor.router.model(language)
            explanation = explain_texts(model, [item.text])[0]
            chunks = token_weights(model, explanation, guess)
            terms = {label: explanation.top(label, 6) for label in labels}
        else:  # a language the model does not read: your label is its first
            guess, chunks, terms = UNSUPPORTED, [(item.text, 0.0)], {}
        before, after = neighbours(self.items, index)
        shown = {
            "model_probabilities": probabilities,
            "picked_by": picked_by,
            "model_round": self.model_round,
        }
        self._shown[item.key] = shown
        return {
            "key": item.key,
            "doc_id": item.doc_id,
            "paragraph_index": item.paragraph_index,
            "title": item.title,
            "source": item.source,
            "text": item.text,
            "before": before,
            "after": after,
            "guess": guess,
            "chunks": [[text, round(weight, 5)] for text, weight in chunks],
            "terms": terms,
            "language": language,
            "position": position,
            **shown,
        }

    # -- answers -----------------------------------------------------------------------------

    def _item(self, key: str) -> Item:
        if key not in self.index:
            raise UsageError(f"no paragraph {key!r} in this run.")
        return self.items[self.index[key]]

    def answer(self, key: str, label: str) -> bool:
        """Label paragraph ``key``; ``False`` if it already had an answer (nothing written)."""
        if label not in LABELS:
            raise UsageError(f"label {label!r} is not one of {', '.join(LABELS)}.")
        item = self._item(key)
        with self._lock:
            shown = self._shown.get(key) or self._shown_now(key)
        row = {
            "doc_id": item.doc_id,
            "paragraph_index": item.paragraph_index,
            "text": item.text,
            "label": label,
            "source": item.source,
            "origin": "annotated",
            "date": item.date,
            "genre": None,
            "voice": None,
            "country": None,
            "year": year_of(item.date),
            "language": self.languages[self.index[key]],
            "annotator": self.annotator,
            "timestamp": utc_now(),
            **shown,
        }
        written = self.store.add_label(row)
        if written:
            self._maybe_retrain()
        return written

    def _shown_now(self, key: str) -> dict[str, Any]:
        index = self.index[key]
        picked = next((how for i, how in self.order if i == index), "uncertainty")
        return {
            "model_probabilities": self._probabilities(index),
            "picked_by": picked,
            "model_round": self.model_round,
        }

    def skip(self, key: str) -> bool:
        """Skip paragraph ``key`` (not shown again); ``False`` if it already had an answer."""
        item = self._item(key)
        row = {
            "doc_id": item.doc_id,
            "paragraph_index": item.paragraph_index,
            "annotator": self.annotator,
            "timestamp": utc_now(),
        }
        return self.store.add_skip(row)

    def undo(self, key: str | None = None) -> str | None:
        """Take back the answer for ``key`` (default: the latest); the key undone, or ``None``."""
        action = self.store.undo(key)
        return None if action is None else action.key

    # -- progress ----------------------------------------------------------------------------

    def progress(self) -> dict[str, Any]:
        """Counts, label counts and the estimated accuracy on the user's labels."""
        rows = self.store.labels()
        skipped = len(self.store.skipped)
        answered = sum(1 for item in self.items if self.store.answered(item.key))
        correct = [
            max(row["model_probabilities"], key=row["model_probabilities"].__getitem__)
            == row["label"]
            for row in rows
            if row.get("model_probabilities")
        ]
        return {
            "labelled": len(rows),
            "skipped": skipped,
            "remaining": len(self.items) - answered,
            "total": len(self.items),
            "label_counts": {label: c for label, c in Counter(r["label"] for r in rows).items()},
            "prequential": {
                "accuracy": sum(correct) / len(correct) if correct else None,
                "n": len(correct),
            },
            "cv": self.cv,
            "model_round": self.model_round,
            "retraining": self.retraining,
            "retrain_every": self.retrain_every,
            "retrain_error": self.retrain_error,
        }

    # -- background retraining ---------------------------------------------------------------

    def _maybe_retrain(self) -> None:
        with self._lock:
            due = len(self.store.rows) - self._labels_at_fit >= self.retrain_every > 0
            if not due or self.retraining or self._stop.is_set():
                return
            self.retraining = True
            self._labels_at_fit = len(self.store.rows)
            thread = threading.Thread(target=self._retrain, name="annotate-retrain")
            self._threads.append(thread)
            thread.start()

    def _retrain(self) -> None:
        from stancekit.annotate.retrain import cross_validate, fit_with_labels
        from stancekit.scoring.predictor import StancePredictor

        try:
            main = self.predictor.router.main_language
            # the corpus is the main language's: only your labels in that language join it
            rows = [r for r in self.store.labels() if (r.get("language") or main) == main]
            assert self.corpus is not None
            pipeline = fit_with_labels(self.corpus, rows, self.train_params)
            if self._stop.is_set():
                return
            predictor = StancePredictor(
                pipeline,
                self.predictor.card,
                languages=self.predictor.router.folders,
                document_prior=self.predictor.document_prior,
            )
            probabilities = self._score(predictor)
            with self._lock:
                self._use(predictor, probabilities, self.model_round + 1)
                self.retrain_error = None
            cv = cross_validate(
                self.corpus,
                rows,
                self.train_params,
                CV_MIN_LABELS,
                CV_MIN_DOCUMENTS,
                CV_FOLDS,
                self._stop,
            )
            if cv is not None:
                cv["model_round"] = self.model_round
                self.cv = cv
        except StancekitError as exc:
            self.retrain_error = str(exc)
        except Exception as exc:  # keep the page running; say what failed
            self.retrain_error = f"retraining failed: {type(exc).__name__}: {exc}"
        finally:
            with self._lock:
                self.retraining = False
            if not self._stop.is_set():
                self._maybe_retrain()  # labels that came in while fitting

    def close(self) -> None:
        """Stop retraining and wait for the thread (a running fit finishes first)."""
        self._stop.set()
        with self._lock:
            threads = list(self._threads)
        for thread in threads:
            thread.join()


def year_of(date: str | None) -> int | None:
    """The year a date names, whatever its form (``2019-03-12``, ``12/03/2019``, ``May 2019``),
    or ``None`` when it names none."""
    found = re.search(r"(?<!\d)(\d{4})(?!\d)", date or "")
    return int(found.group(1)) if found else None


def _card_params(predictor: StancePredictor) -> TrainParams:
    """The starting model's own settings (its card), else the defaults."""
    from stancekit.params import TrainParams, params_from_dict

    card = getattr(predictor, "card", None)
    if card is not None and card.params:
        try:
            return params_from_dict({"train": dict(card.params)}).train
        except StancekitError:
            pass
    return TrainParams()
