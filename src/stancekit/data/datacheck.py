"""Validate a labelled corpus and describe it (``stancekit data check``, ``stancekit data stats``).

Errors (the corpus must not be used until they are fixed): rows that break the schema, paragraph
indexes that are not 0..n-1 within a document (annotated documents are samples: their indexes
need only be distinct), paragraphs over :data:`MAX_WORDS` words, exact or
near duplicate paragraphs (within the corpus, seeds included). Warnings (worth a look, not fatal):
unbalanced stances, a genre above :data:`MAX_GENRE_SHARE` of the paragraphs, and word runs that
recur across many documents (a writing template the model could learn instead of arguments).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path

from stancekit.data.corpus import LABELLED_JSONL, Row, corpus_files, validate_row
from stancekit.errors import DataError, InputError, StancekitError
from stancekit.io.jsonl import read_jsonl
from stancekit.labels import LABELS, STANCES

MAX_WORDS = 300
NEAR_DUPLICATE_SHINGLE = 5
NEAR_DUPLICATE_JACCARD = 0.5
TEMPLATE_RUN = 8
TEMPLATE_MIN_DOCUMENTS = 3
MAX_GENRE_SHARE = 0.25
MIN_STANCE_RATIO = 0.8

#: Letters of any language (``[^\W_]``: word characters but the underscore), so that accented
#: words ("européenne", "Straße", "sexköp") stay whole.
_WORD = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)?")


def words(text: str) -> list[str]:
    """Lower-cased word tokens, punctuation dropped (the unit of duplicate and phrase checks)."""
    return _WORD.findall(text.lower())


def shingles(tokens: Sequence[str], n: int) -> set[tuple[str, ...]]:
    """The set of word n-grams of ``tokens`` (the whole text if it is shorter than ``n``)."""
    if len(tokens) < n:
        return {tuple(tokens)} if tokens else set()
    return {tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1)}


@dataclass
class CheckReport:
    """Problems found in a corpus, and its label counts."""

    rows: int = 0
    documents: int = 0
    labels: dict[str, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def describe(self) -> str:
        counts = ", ".join(f"{label} {self.labels.get(label, 0)}" for label in LABELS)
        lines = [f"{self.rows} paragraphs in {self.documents} documents ({counts})"]
        lines += [f"error: {e}" for e in self.errors]
        lines += [f"warning: {w}" for w in self.warnings]
        verdict = "ok" if self.ok else f"FAILED with {len(self.errors)} error(s)"
        lines.append(f"{verdict}, {len(self.warnings)} warning(s)")
        return "\n".join(lines)


def scan_file(path: str | Path, report: CheckReport) -> list[Row]:
    """Read a labelled JSONL file, recording every bad line in ``report`` instead of stopping."""

    def note(error: StancekitError) -> None:
        report.errors.append(str(error))

    rows = []
    for where, row in read_jsonl(path, on_error=note, **LABELLED_JSONL):
        try:
            rows.append(validate_row(row, where))
        except DataError as exc:
            note(exc)
    return rows


def _where(row: Row) -> str:
    return f"{row['doc_id']}#{row['paragraph_index']}"


def check_indexes(rows: Sequence[Row], report: CheckReport) -> None:
    """Paragraph indexes run 0..n-1 once each within a document; an annotated document
    (every row ``origin: annotated``) is a sample of its paragraphs, so there they need only be
    distinct."""
    by_doc: dict[str, list[int]] = defaultdict(list)
    partial: dict[str, bool] = {}
    for row in rows:
        by_doc[row["doc_id"]].append(row["paragraph_index"])
        annotated = row["origin"] == "annotated"
        partial[row["doc_id"]] = partial.get(row["doc_id"], True) and annotated
    for doc_id, indexes in by_doc.items():
        if partial[doc_id]:
            repeated = sorted(i for i, n in Counter(indexes).items() if n > 1)
            if repeated:
                report.errors.append(
                    f"{doc_id}: paragraph_index {', '.join(map(str, repeated))} labelled more "
                    "than once; keep one row per paragraph."
                )
        elif sorted(indexes) != list(range(len(indexes))):
            report.errors.append(
                f"{doc_id}: paragraph_index must run 0..{len(indexes) - 1} once each, "
                f"got {sorted(indexes)}."
            )


def check_lengths(rows: Sequence[Row], report: CheckReport) -> None:
    for row in rows:
        n = len(row["text"].split())
        if n > MAX_WORDS:
            report.errors.append(
                f"{_where(row)}: {n} words, over {MAX_WORDS}; split it into paragraphs."
            )


def check_duplicates(rows: Sequence[Row], report: CheckReport) -> None:
    """Exact duplicates (same words) and near duplicates (Jaccard of word 5-grams >= 0.5)."""
    tokens = [words(row["text"]) for row in rows]
    seen: dict[tuple[str, ...], int] = {}
    for i, toks in enumerate(tokens):
        key = tuple(toks)
        if key in seen and len(key) > 3:  # "ENDS" may recur; real paragraphs may not
            report.errors.append(
                f"{_where(rows[i])} repeats {_where(rows[seen[key]])} word for word."
            )
        seen.setdefault(key, i)
    sets = [shingles(t, NEAR_DUPLICATE_SHINGLE) for t in tokens]
    index: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for i, s in enumerate(sets):
        for sh in s:
            index[sh].append(i)
    shared: Counter[tuple[int, int]] = Counter()
    for members in index.values():
        if len(members) <= 50:  # a 5-gram in 50+ paragraphs is a stock phrase, not a copy
            shared.update(combinations(members, 2))
    for (i, j), n in sorted(shared.items()):
        if tuple(tokens[i]) == tuple(tokens[j]):
            continue  # reported as exact
        jaccard = n / len(sets[i] | sets[j])
        if jaccard >= NEAR_DUPLICATE_JACCARD:
            report.errors.append(
                f"{_where(rows[j])} nearly repeats {_where(rows[i])} "
                f"({jaccard:.0%} of word 5-grams shared); rewrite one of them."
            )


def recurring_runs(
    rows: Sequence[Row], n: int = TEMPLATE_RUN, min_documents: int = TEMPLATE_MIN_DOCUMENTS
) -> list[tuple[str, int]]:
    """Word runs of length ``n`` that occur in at least ``min_documents`` documents."""
    docs: dict[tuple[str, ...], set[str]] = defaultdict(set)
    for row in rows:
        for run in shingles(words(row["text"]), n):
            if len(run) == n:
                docs[run].add(row["doc_id"])
    found = [(" ".join(run), len(d)) for run, d in docs.items() if len(d) >= min_documents]
    return sorted(found, key=lambda item: (-item[1], item[0]))


def check_balance(rows: Sequence[Row], report: CheckReport) -> None:
    counts = Counter(row["label"] for row in rows)
    stance_counts = [counts.get(label, 0) for label in STANCES]
    if max(stance_counts) and min(stance_counts) / max(stance_counts) < MIN_STANCE_RATIO:
        report.warnings.append(
            "stances are unbalanced: "
            + ", ".join(f"{label} {counts.get(label, 0)}" for label in STANCES)
            + "."
        )
    genres = Counter(row["genre"] for row in rows if row["genre"])
    for genre, n in genres.items():
        if n / len(rows) > MAX_GENRE_SHARE:
            report.warnings.append(
                f"genre '{genre}' has {n / len(rows):.0%} of the paragraphs "
                f"(more than {MAX_GENRE_SHARE:.0%})."
            )


def check_corpus(paths: Iterable[str | Path]) -> tuple[list[Row], CheckReport]:
    """Run every check on the labelled files ``paths``; never raises for bad data.

    Returns
    -------
    rows : list of dict
        The rows that passed the schema check.
    report : CheckReport
        Errors, warnings and counts.
    """
    report = CheckReport()
    rows: list[Row] = []
    owner: dict[str, str] = {}
    try:
        paths = corpus_files(paths)
    except DataError as exc:
        report.errors.append(str(exc))
        return rows, report
    for path in paths:
        file_rows = scan_file(path, report)
        for doc_id in sorted({row["doc_id"] for row in file_rows}):
            if doc_id in owner:
                report.errors.append(f"{path}: document '{doc_id}' is also in {owner[doc_id]}.")
            owner.setdefault(doc_id, str(path))
        rows.extend(file_rows)
    report.rows = len(rows)
    report.documents = len({row["doc_id"] for row in rows})
    report.labels = dict(Counter(row["label"] for row in rows))
    if not rows:
        report.errors.append("the corpus is empty.")
        return rows, report
    check_indexes(rows, report)
    check_lengths(rows, report)
    check_duplicates(rows, report)
    check_balance(rows, report)
    runs = recurring_runs(rows)
    if runs:
        shown = "; ".join(f'"{run}" ({n} documents)' for run, n in runs[:5])
        more = f" and {len(runs) - 5} more" if len(runs) > 5 else ""
        report.warnings.append(
            f"{len(runs)} word run(s) of {TEMPLATE_RUN} recur in {TEMPLATE_MIN_DOCUMENTS}+ "
            f"documents: {shown}{more}."
        )
    return rows, report


# --- statistics for the data card ---------------------------------------------------------------

REGIONS = {
    "Sweden": "Nordic",
    "Norway": "Nordic",
    "Finland": "Nordic",
    "Iceland": "Nordic",
    "Denmark": "Nordic",
    "United Kingdom": "UK & Ireland",
    "England": "UK & Ireland",
    "Scotland": "UK & Ireland",
    "Wales": "UK & Ireland",
    "Northern Ireland": "UK & Ireland",
    "Ireland": "UK & Ireland",
    "Switzerland": "Western Europe",
    "Austria": "Western Europe",
    "Lithuania": "Eastern Europe",
    "France": "Western Europe",
    "Germany": "Western Europe",
    "Netherlands": "Western Europe",
    "Belgium": "Western Europe",
    "Spain": "Western Europe",
    "Italy": "Western Europe",
    "United States": "North America",
    "Canada": "North America",
    "New Zealand": "Oceania",
    "Australia": "Oceania",
    "South Africa": "Africa",
    "Kenya": "Africa",
    "India": "Asia",
    "Thailand": "Asia",
    "Philippines": "Asia",
    "South Korea": "Asia",
    "Japan": "Asia",
    "Nepal": "Asia",
    "Zambia": "Africa",
    "Mexico": "Latin America",
    "Israel": "Middle East",
    "Brazil": "Latin America",
    "Argentina": "Latin America",
    "International": "International",
}

YEAR_BUCKETS = ((1999, 2004), (2005, 2009), (2010, 2014), (2015, 2019), (2020, 2026))


def region_of(country: str | None) -> str:
    """The region a country is counted under; sub-national names count under their country."""
    if not country:
        return "unknown"
    name = country.split(" (")[0]
    return REGIONS.get(name, REGIONS.get(name.title(), "Other"))


def year_bucket(year: int | None) -> str:
    if year is None:
        return "unknown"
    for low, high in YEAR_BUCKETS:
        if low <= year <= high:
            return f"{low}-{high}"
    return "other"


def _table(title: str, rows: Sequence[Row], key: str, keys: Iterable[str] | None = None) -> str:
    by_key: dict[str, Counter[str]] = defaultdict(Counter)
    for row in rows:
        by_key[row[key]][row["label"]] += 1
    if keys is None:
        keys = sorted(by_key, key=lambda k: -sum(by_key[k].values()))
    lines = [
        f"| {title} | " + " | ".join(LABELS) + " | total | hard |",
        "|---|" + "---:|" * (len(LABELS) + 2),
    ]
    hard: Counter[str] = Counter(row[key] for row in rows if row["hard"])
    for k in keys:
        if k not in by_key:
            continue
        c = by_key[k]
        cells = " | ".join(str(c.get(label, 0)) for label in LABELS)
        lines.append(f"| {k} | {cells} | {sum(c.values())} | {hard.get(k, 0)} |")
    total = Counter(row["label"] for row in rows)
    cells = " | ".join(f"**{total.get(label, 0)}**" for label in LABELS)
    n_hard = sum(hard.values())
    lines.append(f"| **all** | {cells} | **{len(rows)}** | **{n_hard}** |")
    return "\n".join(lines)


def corpus_stats_markdown(rows: Sequence[Row]) -> str:
    """Markdown tables of paragraph counts: label x origin, genre, voice, region, years."""
    enriched = [
        {
            **row,
            "region": region_of(row["country"]),
            "years": year_bucket(row["year"]),
            "genre": row["genre"] or "unknown",
            "voice": row["voice"] or "unknown",
        }
        for row in rows
    ]
    docs = len({row["doc_id"] for row in rows})
    buckets = [f"{low}-{high}" for low, high in YEAR_BUCKETS] + ["other", "unknown"]
    boilerplate = sum(bool(row.get("boilerplate")) for row in rows)
    parts = [
        f"{len(rows)} paragraphs in {docs} documents. Counts are paragraphs; *hard* counts the "
        f"paragraphs flagged as hard cases. {boilerplate} neutral paragraphs are boilerplate or "
        "off-topic page text (contacts, donation and newsletter lines, notices, unrelated news).",
        _table("origin", enriched, "origin"),
        _table("genre", enriched, "genre"),
        _table("voice", enriched, "voice"),
        _table("region", enriched, "region"),
        _table("years", enriched, "years", buckets),
    ]
    return "\n\n".join(parts) + "\n"


def corpus_stats(paths: Iterable[str | Path]) -> str:
    """``stancekit data stats``: the count tables of every row in ``paths`` (files or folders)
    and the diversity section, each file one batch
    (:func:`stancekit.data.diversity.diversity_markdown`).
    """
    from stancekit.data.corpus import read_rows
    from stancekit.data.diversity import diversity_markdown

    by_file = {path.name: read_rows(path) for path in corpus_files(paths)}
    rows = [row for file_rows in by_file.values() for row in file_rows]
    return corpus_stats_markdown(rows) + "\n" + diversity_markdown(by_file)


STATS_BEGIN = "<!-- stats:begin (generated by `stancekit data stats --write-card`) -->"
STATS_END = "<!-- stats:end -->"


def replace_stats_block(card_text: str, stats: str) -> str:
    """Put ``stats`` between the markers of a data card; error if the markers are missing."""
    start, end = card_text.find(STATS_BEGIN), card_text.find(STATS_END)
    if start < 0 or end < start:
        raise DataError(f"the data card has no '{STATS_BEGIN}' ... '{STATS_END}' block.")
    return card_text[: start + len(STATS_BEGIN)] + "\n" + stats + card_text[end:]


def update_data_card(card_path: str | Path, stats: str) -> None:
    """Replace the generated counts block of the data card at ``card_path`` with ``stats``,
    atomically.

    Raises
    ------
    InputError
        The card cannot be read.
    DataError
        The card has no counts block.
    """
    from stancekit.io.files import atomic_write

    card_path = Path(card_path)
    try:
        card = card_path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"{card_path}: cannot read ({exc.strerror}).") from None
    with atomic_write(card_path) as handle:
        handle.write(replace_stats_block(card, stats))
