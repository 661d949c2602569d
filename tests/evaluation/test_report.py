"""stancekit.evaluation.report: the self-contained HTML report of a hand-made evaluation."""

from __future__ import annotations

import base64
import html
import re
from dataclasses import replace
from pathlib import Path

import pytest

import evaluation_factory as factory
from stancekit.evaluation.report import render_html, write_html_report

IMG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)


@pytest.fixture(scope="module")
def page() -> str:
    return render_html(factory.evaluation())


@pytest.fixture(scope="module")
def binary_page() -> str:
    held_out = replace(factory.binary_held_out(), curves={"roc": [], "precision_recall": []})
    return render_html(replace(factory.evaluation(cv=False), held_out=held_out, provenance={}))


@pytest.fixture
def no_png(monkeypatch: pytest.MonkeyPatch) -> None:
    """Skip the PNG encoding (the slow part) where a test reads only the page's text."""
    import matplotlib.pyplot as plt

    def stub(fig, *args, **kwargs) -> str:
        plt.close(fig)
        return "<figure>figure</figure>"

    monkeypatch.setattr("stancekit.evaluation.report._png", stub)


def row(page: str, name: str) -> list[str]:
    """The cells of the table row whose first cell is ``name``."""
    match = re.search(r"<tr><td>" + re.escape(name) + r"</td>(.*?)</tr>", page)
    assert match, name
    return re.findall(r"<td[^>]*>(.*?)</td>", match.group(1))


def test_one_complete_document(page: str) -> None:
    assert page.startswith("<!doctype html>") and page.rstrip().endswith("</html>")
    assert page.count("<body>") == 1 and page.count("</body>") == 1
    assert "<h1>stancekit evaluation</h1>" in page


def test_self_contained_no_external_assets(page: str, binary_page: str) -> None:
    for text in (page, binary_page):
        assert not re.search(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", text, re.I)
        assert "http://" not in text and "https://" not in text
        assert "<link" not in text.lower() and "<script" not in text.lower()
        images = IMG.findall(text)
        assert images
        for tag in images:
            source = re.search(r'src="([^"]*)"', tag).group(1)
            assert source.startswith("data:image/png;base64,")
            png = base64.b64decode(source.split(",", 1)[1], validate=True)
            assert png.startswith(b"\x89PNG\r\n\x1a\n")


def test_every_figure_is_there(page: str, binary_page: str) -> None:
    # confusion, reliability, coverage, ROC, precision-recall, learning curve
    assert len(IMG.findall(page)) == 6
    # no ROC/PR points, no learning curve without cross-validation
    assert len(IMG.findall(binary_page)) == 3


def test_reliability_and_coverage_are_named(page: str) -> None:
    assert "Reliability" in page and "Coverage" in page
    for figure in IMG.findall(page):
        alt = re.search(r'alt="([^"]*)"', figure)
        assert alt and alt.group(1).strip(), figure[:80]


def test_headline_table(page: str) -> None:
    assert row(page, "model: macro-F1")[0] == '0.697 <span class="muted">[0.588, 0.799]</span>'
    assert row(page, "model: macro-F1")[1:] == ["0.841 ± 0.031", "0.761 ± 0.031", "0.721 ± 0.031"]
    assert row(page, "model: neutral F1")[0] == "0.457"
    assert row(page, "model: stance-only macro-F1")[0] == (
        '0.913 <span class="muted">[0.850, 0.960]</span>'
    )
    assert row(page, "model: accuracy on 9 hard cases")[0] == "0.889"
    assert row(page, "model: calibration error (ECE)")[0] == "0.041"
    assert row(page, "  before calibration (ECE)")[0] == "0.160"
    assert row(page, "lexicon baseline: stance-only macro-F1")[0] == "0.700"
    assert row(page, "lexicon baseline: accuracy on hard cases")[0] == "0.333"
    masked = row(page, "model, side-revealing terms masked: macro-F1")
    assert masked[:2] == ["0.621 (test-time)", "0.701 ± 0.031 (refit)"]
    for header in ("CV by document", "CV leaving out whole voices", "CV leaving out whole genres"):
        assert f"<th>{header}</th>" in page


def test_verdict_follows_the_gap(page: str, no_png: None) -> None:
    assert "The model beats the keyword lexicon" in page
    assert "macro-F1 difference +0.154 [+0.021, +0.291]" in page
    evaluation = factory.evaluation(cv=False)
    losing = replace(evaluation.held_out, lexicon_gap={"point": 0.01, "low": -0.05, "high": 0.07})
    text = render_html(replace(evaluation, held_out=losing))
    assert "The model does <b>not</b> beat the keyword lexicon" in text
    assert "class='verdict no'" in text


def test_feature_comparison_rows(page: str, binary_page: str) -> None:
    assert "<h2>Feature comparison</h2>" in page
    assert row(page, "current (params.yaml)") == ["0.761 ± 0.031", "0.721 ± 0.031"]
    assert row(page, "chars (analyzer=char_wb, ngram_range=(2, 5))") == [
        "0.780 ± 0.031 (+0.019, within the fold noise)",
        "0.700 ± 0.031 (-0.021, within the fold noise)",
    ]
    assert "Feature comparison" not in binary_page


def test_provenance_rows_escaped(page: str, binary_page: str) -> None:
    assert "<h2>Provenance</h2>" in page
    for key, value in factory.PROVENANCE.items():
        assert row(page, key) == [html.escape(value)]
    assert "&lt;held-out&gt;" in page and "<held-out>" not in page
    assert "Provenance" not in binary_page


def test_user_text_is_escaped(page: str) -> None:
    assert "A &lt;b&gt;confident&lt;/b&gt; mistake &amp; more." in page
    assert "<b>confident</b>" not in page
    assert "shared &lt;term&gt;" in page
    assert "<h2>The 1 most confident errors</h2>" in page


def test_binary_report(binary_page: str) -> None:
    assert "model: neutral F1" not in binary_page
    assert "stance-only" not in binary_page and "before calibration (ECE)" not in binary_page
    assert "<b>42%</b> of 12 neutral paragraphs" in binary_page
    assert "CV by document" not in binary_page


def test_write_html_report_writes_the_rendered_page(tmp_path: Path, no_png: None) -> None:
    path = tmp_path / "out" / "report.html"
    path.parent.mkdir()
    write_html_report(factory.evaluation(), path)
    written = path.read_text(encoding="utf-8")
    assert written == render_html(factory.evaluation())
    assert "<h2>Provenance</h2>" in written
    assert not [p for p in path.parent.iterdir() if p != path]  # no temporary file left


def test_breakdown_by_genre_and_region_is_shown_when_the_rows_carry_them(page: str) -> None:
    assert "by genre and region" not in page
    evaluation = factory.evaluation()
    scores = {"rows": 12, "documents": 3, "accuracy": 0.75, "macro_f1": 0.7}
    held_out = replace(
        evaluation.held_out, breakdown={"genre": {"news": scores}, "region": {"Sweden": scores}}
    )
    shown = render_html(replace(evaluation, held_out=held_out))
    assert "Held-out scores by genre and region" in shown
    assert "<td>news</td>" in shown and "<td>Sweden</td>" in shown and "0.750" in shown


def test_feature_comparison_says_when_a_lead_is_within_the_fold_noise(no_png: None) -> None:
    """Issue 22: a setting 0.019 ahead with folds spread 0.031 read as a win."""
    evaluation = factory.evaluation()
    comparison = dict(evaluation.cv.comparison)
    comparison["chars"] = {"voice": factory.fold(0.8012345678), "genre": factory.fold(0.73)}
    text = render_html(replace(evaluation, cv=replace(evaluation.cv, comparison=comparison)))
    assert row(text, "chars (analyzer=char_wb, ngram_range=(2, 5))") == [
        "0.801 ± 0.031 (+0.040)",
        "0.730 ± 0.031 (+0.009, within the fold noise)",
    ]
    assert "<b>within the fold noise</b>: these folds do not tell the two settings apart" in text


def test_breakdown_heading_names_only_the_tables_it_has(no_png: None) -> None:
    """Issue 22: "by genre and region" was the heading over a genre table alone."""
    evaluation = factory.evaluation()
    scores = {"rows": 12, "documents": 3, "accuracy": 0.75, "macro_f1": 0.7}
    held_out = replace(evaluation.held_out, breakdown={"genre": {"news": scores}})
    shown = render_html(replace(evaluation, held_out=held_out))
    assert "by genre and region" not in shown
    assert "<h2>Held-out scores by genre</h2>" in shown
    assert "The rows carry no region, so there is no table by it." in shown


def test_report_says_what_it_measured_on_and_shows_the_real_text_check(no_png: None) -> None:
    """Issue 22: the report did not say the held-out split is text written for the project,
    nor show the real-text check beside it."""
    evaluation = replace(
        factory.evaluation(),
        measured_on="The held-out split is 40 paragraphs of the project's corpus: 100% written "
        "for this project.",
    )
    before = render_html(evaluation)
    assert "<h2>What these figures measured</h2>" in before
    assert "100% written for this project" in before
    assert "Real published text: not checked here yet." in before and "make realworld" in before
    real = {
        "path": "reports/realworld/metrics.json",
        "sha256": "ab" * 32,
        "model_sha256": "cd" * 32,
        "rows": 120,
        "documents": 30,
        "macro_f1": 0.85,
        "macro_f1_low": 0.8,
        "macro_f1_high": 0.9,
        "accuracy": 0.908,
    }
    after = render_html(replace(evaluation, real_text=real))
    assert row(after, "real published text (make realworld)") == [
        "120", "30", "0.850 [0.800, 0.900]", "0.908",
    ]  # fmt: skip
    held = row(after, "held-out split (the corpus: text written for the project)")
    assert held[2].startswith("0.697 [0.588, 0.799]")
    assert "not checked here yet" not in after


def test_the_pipeline_stage_says_what_it_measured_on(tmp_path: Path) -> None:
    from conftest import tiny_rows
    from stancekit.evaluation.evaluate import measured_on, read_real_text

    rows = tiny_rows()
    rows[0] = {**rows[0], "origin": "seed"}
    text = measured_on(rows)
    assert text.startswith(
        "The held-out split is 24 paragraphs of the project's corpus: 96% "
        "written for this project, 4% from the project's two seed documents."
    )
    assert read_real_text(tmp_path / "missing.json") is None
    metrics = tmp_path / "metrics.json"
    metrics.write_text('{"test": {"rows": 5, "macro_f1": 0.5}}', encoding="utf-8")
    assert read_real_text(metrics)["rows"] == 5
