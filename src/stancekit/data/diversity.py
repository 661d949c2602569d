"""How varied a corpus is, measured instead of hoped for (a section of ``stancekit data stats``).

The share of distinct word 4-grams, the paragraph openings and word 6-grams that recur most, and
for each batch (one data file) every paragraph's TF-IDF cosine similarity to its nearest
neighbour in all *other* batches. Words are lower-cased runs of letters and digits (an
apostrophe suffix kept: ``don't``; curly apostrophes count as straight ones).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
BLOCK_ROWS = 512
"""Paragraphs compared at once in :func:`batch_similarity` (bounds the dense block in memory)."""


def tokens(text: str) -> list[str]:
    """Lower-cased word tokens of ``text``, punctuation dropped."""
    return _WORD.findall(text.lower().replace("\u2019", "'"))


def _ngrams(words: Sequence[str], n: int) -> list[tuple[str, ...]]:
    return [tuple(words[i : i + n]) for i in range(len(words) - n + 1)]


def distinct_ngram_share(texts: Iterable[str], n: int = 4) -> float:
    """Distinct word n-grams divided by all word n-grams.

    Parameters
    ----------
    texts : iterable of str
        Paragraphs; n-grams never cross from one paragraph into the next.
    n : int
        Words per n-gram.

    Returns
    -------
    float
        In (0, 1]; 1.0 when no n-gram occurs twice, including when there are no n-grams at all.
    """
    seen: set[tuple[str, ...]] = set()
    total = 0
    for text in texts:
        grams = _ngrams(tokens(text), n)
        total += len(grams)
        seen.update(grams)
    return len(seen) / total if total else 1.0


def _top(counts: Counter[str], top: int) -> list[tuple[str, int]]:
    repeated = [(key, count) for key, count in counts.items() if count > 1]
    return sorted(repeated, key=lambda item: (-item[1], item[0]))[:top]


def repeated_openings(texts: Iterable[str], words: int = 4, top: int = 10) -> list[tuple[str, int]]:
    """The most frequent paragraph openings (first ``words`` words) that occur more than once.

    Parameters
    ----------
    texts : iterable of str
        Paragraphs. One shorter than ``words`` words opens with all of its words; one with no
        word is skipped.
    words : int
        Words per opening.
    top : int
        Longest list returned.

    Returns
    -------
    list of (str, int)
        Opening (lower-cased words joined by spaces) and its number of paragraphs, most frequent
        first, ties in alphabetical order.
    """
    counts: Counter[str] = Counter()
    for text in texts:
        first = tokens(text)[:words]
        if first:
            counts[" ".join(first)] += 1
    return _top(counts, top)


def _overlap(a: Sequence[str], b: Sequence[str], n: int) -> bool:
    """True if ``b`` is ``a`` shifted by 1 to n // 2 words, either way."""
    return any(a[s:] == b[: n - s] or b[s:] == a[: n - s] for s in range(1, n // 2 + 1))


def repeated_phrases(
    texts: Iterable[str], n: int = 6, top: int = 10, merge_overlaps: bool = True
) -> list[tuple[str, int]]:
    """The word n-grams found in the most paragraphs, if found in more than one.

    Parameters
    ----------
    texts : iterable of str
        Paragraphs. A phrase used twice in one paragraph counts once.
    n : int
        Words per phrase.
    top : int
        Longest list returned.
    merge_overlaps : bool
        Skip a phrase that is a listed one shifted by up to ``n // 2`` words, so that a repeated
        run longer than ``n`` words (a statute's title, a formula) takes one line, not several.

    Returns
    -------
    list of (str, int)
        Phrase and its number of paragraphs, most widespread first, ties in alphabetical order.
    """
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update({" ".join(gram) for gram in _ngrams(tokens(text), n)})
    if not merge_overlaps:
        return _top(counts, top)
    kept: list[tuple[str, int]] = []
    for phrase, count in _top(counts, len(counts)):
        words = phrase.split()
        if not any(_overlap(words, other.split(), n) for other, _ in kept):
            kept.append((phrase, count))
            if len(kept) == top:
                break
    return kept


@dataclass(frozen=True)
class BatchSimilarity:
    """How close one batch's paragraphs are to the paragraphs of every other batch.

    ``mean_nn``, ``p95_nn`` and ``max_nn`` summarise each paragraph's cosine similarity to its
    nearest neighbour outside the batch (NaN if the batch or the rest is empty);
    ``closest_batch`` is the other batch holding most of those nearest neighbours.
    """

    name: str
    paragraphs: int
    mean_nn: float
    p95_nn: float
    max_nn: float
    closest_batch: str | None


def batch_similarity(batches: Mapping[str, Sequence[str]]) -> list[BatchSimilarity]:
    """Nearest-neighbour similarity of each batch to all the other batches.

    Paragraphs are TF-IDF vectors (word 1-2 grams, sublinear tf, L2-normalised) fitted on every
    batch together, so a dot product is a cosine similarity. Each batch is compared with the
    rest in blocks of :data:`BLOCK_ROWS` paragraphs (sparse products: a few seconds for 5,000
    paragraphs on two cores). A paragraph with no word the vectoriser keeps scores 0.

    Parameters
    ----------
    batches : mapping of str to sequence of str
        Batch name (e.g. the data file) -> its paragraphs.

    Returns
    -------
    list of BatchSimilarity
        One per batch, in the mapping's order.
    """
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer

    names = list(batches)
    texts = [text for name in names for text in batches[name]]
    sizes = [len(batches[name]) for name in names]
    owner = np.repeat(np.arange(len(names)), sizes)
    best = np.zeros(len(texts))
    nearest = np.zeros(len(texts), dtype=np.intp)
    vectorizer = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)
    try:
        vectors = vectorizer.fit_transform(texts) if len(names) > 1 else None
    except ValueError:  # no paragraph has a word of two or more characters
        vectors = None
    if vectors is not None:
        # A term found in a single paragraph adds nothing to a dot product of two paragraphs:
        # dropping it after normalisation leaves every similarity unchanged and the product lighter.
        shared = np.bincount(vectors.indices, minlength=vectors.shape[1]) > 1
        vectors = vectors[:, np.flatnonzero(shared)].tocsr()
        transposed = vectors.T.tocsr()
        for start in range(0, len(texts), BLOCK_ROWS):
            stop = min(start + BLOCK_ROWS, len(texts))
            sims = (vectors[start:stop] @ transposed).toarray()
            sims[owner[start:stop, None] == owner[None, :]] = -1.0
            nearest[start:stop] = sims.argmax(axis=1)
            best[start:stop] = sims[np.arange(stop - start), nearest[start:stop]]
    results = []
    nan = float("nan")
    for b, name in enumerate(names):
        inside = owner == b
        if not sizes[b] or sizes[b] == len(texts):
            results.append(BatchSimilarity(name, sizes[b], nan, nan, nan, None))
            continue
        hits = Counter(owner[nearest[inside]].tolist())
        closest = min(hits, key=lambda other: (-hits[other], names[other]))
        mine = best[inside]
        summary = float(mine.mean()), float(np.percentile(mine, 95)), float(mine.max())
        results.append(BatchSimilarity(name, sizes[b], *summary, names[closest]))
    return results


def _cell(value: float) -> str:
    return "n/a" if value != value else f"{value:.2f}"


def _quoted_list(items: list[tuple[str, int]], what: str) -> str:
    if not items:
        return f"No {what} occurs in more than one paragraph."
    lines = ["| paragraphs | text |", "|---:|---|"]
    lines += [f"| {count} | “{text}” |" for text, count in items]
    return "\n".join(lines)


def diversity_markdown(rows_by_file: Mapping[str, Sequence[Mapping[str, object]]]) -> str:
    """A Markdown section on the corpus's diversity, to append to ``stancekit data stats``.

    Parameters
    ----------
    rows_by_file : mapping of str to sequence of dict
        Data file name (one batch) -> its rows; each row has at least ``"text"`` and
        ``"doc_id"``.

    Returns
    -------
    str
        Overall distinct 4-gram share, a per-batch table (paragraphs, documents, distinct 4-gram
        share, nearest-neighbour similarity to the other batches), the most repeated openings and
        the most widespread 6-word phrases. Ends with a newline.
    """
    texts_by_file = {
        name: [str(row["text"]) for row in rows] for name, rows in rows_by_file.items()
    }
    everything = [text for texts in texts_by_file.values() for text in texts]
    docs = len({row["doc_id"] for rows in rows_by_file.values() for row in rows})
    similarity = batch_similarity(texts_by_file)
    table = [
        "| batch | paragraphs | documents | distinct 4-grams | mean NN | p95 NN | max NN "
        "| closest batch |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for sim in similarity:
        rows = rows_by_file[sim.name]
        share = distinct_ngram_share(texts_by_file[sim.name])
        table.append(
            f"| {sim.name} | {sim.paragraphs} | {len({row['doc_id'] for row in rows})} "
            f"| {share:.1%} | {_cell(sim.mean_nn)} | {_cell(sim.p95_nn)} | {_cell(sim.max_nn)} "
            f"| {sim.closest_batch or '-'} |"
        )
    parts = [
        "### Diversity",
        f"{len(everything)} paragraphs in {docs} documents from {len(rows_by_file)} file(s). "
        f"Distinct word 4-grams: **{distinct_ngram_share(everything):.1%}** of all 4-grams "
        "(100% = no 4-gram is ever repeated; the share falls as a corpus grows).",
        "NN = TF-IDF cosine similarity (word 1-2 grams) of each paragraph to its nearest "
        "neighbour in the *other* files: 1.00 is a copy; one sentence reworded (the same ruling "
        "reported twice) scores about 0.5-0.7. *closest batch* holds most of a file's nearest "
        "neighbours.",
        "\n".join(table),
        "Most repeated paragraph openings (first four words):",
        _quoted_list(repeated_openings(everything), "opening"),
        "Six-word phrases found in the most paragraphs:",
        _quoted_list(repeated_phrases(everything), "six-word phrase"),
    ]
    return "\n\n".join(parts) + "\n"
