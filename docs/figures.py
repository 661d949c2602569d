"""Make the site's figures with the code itself: ``python docs/figures.py --out docs/generated``.

* ``trends.png``: ``stancekit trends`` on the scored example table (``examples/articles.csv``);
* ``report.png``: the first screen of the report ``stancekit evaluate --data`` writes for
  ``examples/mine.csv``, photographed by headless chromium;
* ``explain.png``: the page ``stancekit explain --html`` writes;
* ``annotate.png``: the labelling page of ``stancekit annotate`` on ``examples/texts/``, served
  for the photograph and stopped.

Everything runs in a temporary copy of ``examples/`` with the model stancekit finds (the
project's, ``$STANCEKIT_MODEL`` or the packaged default); only ``--out`` is written. Needs
``/usr/bin/chromium`` (``make test`` installs it).
"""

from __future__ import annotations

import argparse
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
STANCEKIT = [sys.executable, "-m", "stancekit"]


def _chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    sys.exit("docs/figures.py: the screenshots need chromium: run  make test  (it installs it)")


def shoot(url: str, png: Path, size: str = "1200,800") -> None:
    """A screenshot of ``url`` by headless chromium (its own throwaway profile)."""
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [
                _chromium(),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--hide-scrollbars",
                f"--user-data-dir={profile}",
                f"--window-size={size}",
                f"--screenshot={png}",
                url,
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
    if not png.is_file():
        sys.exit(f"docs/figures.py: chromium made no screenshot of {url}")


def run(work: Path, *args: str) -> None:
    subprocess.run([*STANCEKIT, *args], cwd=work, check=True, capture_output=True, timeout=300)


def annotate_page(work: Path, png: Path) -> None:
    """Serve the labelling page on a free port, photograph it, stop the server."""
    proc = subprocess.Popen(
        [*STANCEKIT, "annotate", "texts/", "--out", "labels.jsonl", "--no-browser", "--port", "0"],
        cwd=work,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        lines: list[str] = []
        reader = threading.Thread(target=lambda: lines.append(proc.stdout.readline()), daemon=True)
        reader.start()
        reader.join(120)
        if not lines or "http" not in lines[0]:
            sys.exit("docs/figures.py: stancekit annotate printed no URL")
        shoot(lines[0].split(": ", 1)[1].strip(), png, "1200,900")
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, required=True, help="folder for the PNG files")
    out = parser.parse_args().out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp) / "examples"
        shutil.copytree(REPO / "examples", work)
        run(work, "predict", "articles.csv", "--text-column", "body", "-o", "scored.jsonl")
        run(work, "trends", "scored.jsonl", "--by", "org", "--min-docs", "2", "-o", "trends")
        shutil.copyfile(work / "trends" / "trends.png", out / "trends.png")
        run(work, "evaluate", "--data", "mine.csv", "--text-column", "body", "--label-column",
            "stance", "--out", "report")  # fmt: skip
        shoot((work / "report" / "report.html").as_uri(), out / "report.png", "1200,1400")
        run(work, "explain", "End demand: criminalise the buyers, not the women.",
            "--html", "why.html")  # fmt: skip
        shoot((work / "why.html").as_uri(), out / "explain.png", "1200,700")
        annotate_page(work, out / "annotate.png")
    print(f"wrote {', '.join(sorted(p.name for p in out.glob('*.png')))} to {out}")


if __name__ == "__main__":
    main()
