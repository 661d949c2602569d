"""The labelling page in a real headless browser (Debian's chromium and chromedriver, through
selenium), against `stancekit annotate` running as a subprocess: label by keys, undo, reload,
resume, and the JSON Lines file that results. Runs in CI (.ci/run installs the browser)."""

from __future__ import annotations

import json
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from stancekit.labels import LABELS

pytestmark = pytest.mark.e2e

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
KEYS = {"1": "decriminalisation", "2": "abolitionist", "3": "neutral"}
ROW_FIELDS = {
    "doc_id",
    "paragraph_index",
    "text",
    "label",
    "source",
    "origin",
    "date",
    "genre",
    "voice",
    "country",
    "year",
    "language",
    "annotator",
    "timestamp",
    "model_probabilities",
    "picked_by",
    "model_round",
}
DOCUMENTS = {
    "rights.txt": [
        "Sex workers need labour rights, and the police should protect them from violence.",
        "Criminalising clients pushes workers into isolated places.",
        "The meeting ended at noon.",
    ],
    "demand.txt": [
        "The Nordic model punishes the buyers and pimps, never the women.",
        "Exit programmes need housing and money.",
        "The committee will publish its report in spring.",
    ],
    "mixed.txt": [
        "Decriminalisation lets workers report abuse without fear of arrest.",
        "Prostitution is violence against women.",
        "Press contact: the media office.",
    ],
}


def _browser():
    """A headless chromium driven by chromedriver (both from Debian)."""
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not p.exists()]
    if missing:
        pytest.fail(
            f"the browser test needs {' and '.join(missing)}: run .ci/run, or "
            "apt-get install chromium chromium-driver"
        )
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="stancekit-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1280,900",
        f"--user-data-dir={profile}",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    return driver, profile


@pytest.fixture
def browser() -> Iterator:
    driver, profile = _browser()
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def start_server(
    tmp_path: Path, model: Path, corpus: Path, out: Path
) -> tuple[subprocess.Popen, str, list[str]]:
    """`stancekit annotate` on three small documents; its process, URL and stderr lines."""
    texts = tmp_path / "texts"
    texts.mkdir(exist_ok=True)
    for name, paragraphs in DOCUMENTS.items():
        (texts / name).write_text("\n\n".join(paragraphs) + "\n", encoding="utf-8")
    command = [sys.executable, "-m", "stancekit", "annotate", str(texts), "--out", str(out)]
    command += ["--model", str(model), "--corpus", str(corpus), "--no-browser"]
    command += ["--port", "0", "--retrain-every", "3", "--annotator", "tester"]
    proc = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=tmp_path,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    errors: list[str] = []
    threading.Thread(target=lambda: errors.extend(proc.stderr), daemon=True).start()
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.append(proc.stdout.readline()), daemon=True)
    reader.start()
    reader.join(60)
    if not lines or "token=" not in lines[0]:
        proc.kill()
        proc.wait()
        pytest.fail(f"no URL from stancekit annotate: {lines} {''.join(errors)}")
    return proc, lines[0].split(": ", 1)[1].strip(), errors


def stop(proc: subprocess.Popen) -> int:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    return proc.returncode


def wait_until(condition, what: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.05)


def _state(url: str) -> dict:
    with urllib.request.urlopen(url.replace("/?", "/api/state?"), timeout=10) as response:
        return json.loads(response.read())


def shown_key(driver) -> str:
    return driver.find_element("id", "item").get_attribute("data-key")


def labelled(driver) -> int:
    match = re.search(r"labelled (\d+)", driver.find_element("id", "progress").text)
    return int(match.group(1)) if match else -1


def press(driver, key: str, then_labelled: int) -> None:
    """Press ``key`` on the page and wait until the server's count says it was taken."""
    from selenium.webdriver.common.action_chains import ActionChains

    ActionChains(driver).send_keys(key).perform()
    wait_until(lambda: labelled(driver) == then_labelled, f"labelled {then_labelled} after {key!r}")


def test_label_undo_reload_resume_in_a_real_browser(
    tmp_path: Path, tiny_model: Path, tiny_corpus: Path, browser
) -> None:
    out = tmp_path / "labels" / "mine.jsonl"
    proc, url, errors = start_server(tmp_path, tiny_model, tiny_corpus, out)
    try:
        browser.get(url)
        wait_until(lambda: shown_key(browser), "the first paragraph")
        pressed: list[tuple[str, str]] = []
        for n, key in enumerate("12312", start=1):
            item = shown_key(browser)
            press(browser, key, n)
            pressed.append((item, KEYS[key]))
            assert shown_key(browser) != item  # moved on
        # Each answer is on disk before the page moved on.
        assert len(out.read_text(encoding="utf-8").splitlines()) == 5
        undone = pressed.pop()
        press(browser, "u", 4)
        assert shown_key(browser) == undone[0]  # the undone paragraph is back
        assert len(out.read_text(encoding="utf-8").splitlines()) == 4

        browser.refresh()  # resume: what has an answer is not shown again
        wait_until(lambda: shown_key(browser), "the page after reload")
        answered = {key for key, _ in pressed}
        skipped = shown_key(browser)
        assert skipped not in answered
        from selenium.webdriver.common.action_chains import ActionChains
        from selenium.webdriver.common.keys import Keys

        ActionChains(browser).send_keys(Keys.SPACE).perform()  # skip one
        wait_until(lambda: "skipped 1" in browser.find_element("id", "progress").text, "skip")
        seen = answered | {skipped}
        n = 4
        while shown_key(browser) and not browser.find_element("id", "item").get_property("hidden"):
            item = shown_key(browser)
            assert item not in seen, f"{item} shown again"
            seen.add(item)
            n += 1
            key = "3" if n % 2 else "1"
            press(browser, key, n)
            pressed.append((item, KEYS[key]))
        assert browser.find_element("id", "done").is_displayed()
        assert len(seen) == sum(len(p) for p in DOCUMENTS.values())

        # The token is required: no token or a wrong one is refused, page and API alike.
        base = url.split("?")[0]
        for target in (base, base + "api/state", base + "?token=wrong", base + "static/app.js"):
            with pytest.raises(urllib.error.HTTPError) as refused:
                urllib.request.urlopen(target, timeout=10)
            assert refused.value.code == 403
        with urllib.request.urlopen(url, timeout=10) as page:
            assert page.status == 200
        # 8 labels with --retrain-every 3: the model retrained in the background.
        wait_until(lambda: _state(url)["progress"]["model_round"] >= 2, "two retrains", 120)
    finally:
        code = stop(proc)
    assert code == 0, "".join(errors)
    assert any(line.startswith("stopped: 8 labels, 1 skip") for line in errors), errors

    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [(f"{r['doc_id']}#{r['paragraph_index']}", r["label"]) for r in rows] == pressed
    for row in rows:
        assert set(row) == ROW_FIELDS
        assert row["origin"] == "annotated" and row["annotator"] == "tester"
        assert row["source"] == Path(row["doc_id"]).name
        assert row["text"] in DOCUMENTS[row["source"]]
        assert DOCUMENTS[row["source"]].index(row["text"]) == row["paragraph_index"]
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", row["timestamp"])
        assert set(row["model_probabilities"]) == set(LABELS)
        assert sum(row["model_probabilities"].values()) == pytest.approx(1, abs=1e-3)
        assert row["picked_by"] in ("uncertainty", "random")
        assert isinstance(row["model_round"], int)
    rounds = [row["model_round"] for row in rows]
    assert rounds == sorted(rounds)
    skips = [
        json.loads(line) for line in (out.parent / "mine.jsonl.skips").read_text().splitlines()
    ]
    assert [f"{s['doc_id']}#{s['paragraph_index']}" for s in skips] == [skipped]
    assert sorted(p.name for p in out.parent.iterdir()) == ["mine.jsonl", "mine.jsonl.skips"]
