"""The final check on real published paragraphs (`make realworld`): ../shared/realworld-dev.

Evaluation only: never for choosing features, terms or parameters. Scores the shipped model folder
(every language, each paragraph's language identified as `stancekit predict` does) on the English
dev set, the English boundary set, both together, and each language's file, and prints one table:
three-class macro-F1, neutral F1, stance-only macro-F1, hard cases, ECE, and the lexicon of that
language. Each file's full report goes to reports/realworld/<name>/.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dev", type=Path, default=ROOT.parent / "shared" / "realworld-dev")
    parser.add_argument("--model", type=Path, default=ROOT / "models")
    parser.add_argument("--out", type=Path, default=ROOT / "reports" / "realworld")
    args = parser.parse_args()

    from stancekit.evaluation.evaluate import evaluate_file
    from stancekit.params import load_params

    params = load_params(ROOT / "params.yaml").evaluate
    english = [args.dev / "paragraphs.jsonl", args.dev / "boundary.jsonl"]
    sets: dict[str, Path] = {"en dev": english[0], "en boundary": english[1]}
    with tempfile.TemporaryDirectory() as tmp:
        both = Path(tmp) / "en-both.jsonl"
        both.write_text(
            "".join(p.read_text(encoding="utf-8") for p in english if p.is_file()),
            encoding="utf-8",
        )
        sets["en both"] = both
        for path in sorted((args.dev / "languages").glob("*.jsonl")):
            sets[path.stem] = path
        header = "| set | rows | three-class | neutral F1 | stance | hard | ECE | lexicon |"
        lines = [header, "|---|---:|---:|---:|---:|---:|---:|---:|"]
        for name, path in sets.items():
            if not path.is_file():
                continue
            out = args.out / name.replace(" ", "-")
            evaluate_file(params, path, out, args.model, group_column="org")
            test = json.loads((out / "metrics.json").read_text())["test"]
            lexicon = json.loads((out / "metrics.json").read_text()).get("lexicon_test", {})

            def f(value: float | None) -> str:
                return "n/a" if value is None else f"{value:.3f}"

            lines.append(
                f"| {name} | {test['rows']} | {f(test.get('macro_f1'))} "
                f"| {f(test.get('neutral_f1'))} | {f(test.get('stance_macro_f1'))} "
                f"| {f(test.get('hard_accuracy'))} | {f(test.get('ece'))} "
                f"| {f(lexicon.get('macro_f1'))} |"
            )
    print("\n".join(lines))


if __name__ == "__main__":
    main()
