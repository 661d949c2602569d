"""The page's server: the token on every request, the default binding, the JSON API."""

from __future__ import annotations

import json
import threading
import urllib.request
from pathlib import Path

import pytest

from stancekit.annotate.items import read_items
from stancekit.annotate.server import TOKEN_HEADER, create_app, new_token, serve
from stancekit.annotate.session import AnnotationSession
from stancekit.annotate.store import AnswerStore
from stancekit.scoring.predictor import StancePredictor

TOKEN = "s3cret-token"


@pytest.fixture
def session(tmp_path: Path, tiny_model: Path) -> AnnotationSession:
    texts = ["Sex work is work.\n\nBuyers must be punished.", "The court met on Tuesday."]
    return AnnotationSession(
        read_items(texts),
        AnswerStore(tmp_path / "out.jsonl"),
        StancePredictor.load(tiny_model),
        annotator="me",
        retrain_every=0,
    )


@pytest.fixture
def client(session: AnnotationSession):
    from starlette.testclient import TestClient

    return TestClient(create_app(session, TOKEN))


@pytest.mark.parametrize("path", ["/", "/api/state", "/static/app.js", "/static/style.css"])
def test_reads_without_the_right_token_are_refused(client, path: str) -> None:
    assert client.get(path).status_code == 403
    assert client.get(path, params={"token": "wrong"}).status_code == 403
    assert client.get(path, headers={TOKEN_HEADER: TOKEN[:-1]}).status_code == 403
    assert client.get(path, params={"token": TOKEN}).status_code == 200
    assert client.get(path, headers={TOKEN_HEADER: TOKEN}).status_code == 200


@pytest.mark.parametrize("action", ["answer", "skip", "undo"])
def test_writes_without_the_token_are_refused_and_change_nothing(
    client, session: AnnotationSession, action: str
) -> None:
    key = session.current()["key"]
    body = {"key": key, "label": "neutral"}
    assert client.post(f"/api/{action}", json=body).status_code == 403
    assert client.post(f"/api/{action}?token=nope", json=body).status_code == 403
    assert not session.store.path.exists() and not session.store.skips_path.exists()


def test_the_page_carries_its_token_and_no_outside_resource(client) -> None:
    page = client.get("/", params={"token": TOKEN}).text
    assert f'content="{TOKEN}"' in page
    assert "http://" not in page and "https://" not in page  # nothing from a CDN
    script = client.get("/static/app.js", params={"token": TOKEN}).text
    assert "X-Stancekit-Token" in script and "https://" not in script


def test_the_api_labels_skips_and_undoes(client, session: AnnotationSession) -> None:
    headers = {TOKEN_HEADER: TOKEN}
    first = client.get("/api/state", headers=headers).json()["item"]
    reply = client.post(
        "/api/answer", headers=headers, json={"key": first["key"], "label": "neutral"}
    )
    assert reply.json()["status"] == "saved"
    assert reply.json()["item"]["key"] != first["key"]
    again = client.post(
        "/api/answer", headers=headers, json={"key": first["key"], "label": "neutral"}
    )
    assert again.json()["status"] == "already answered"
    assert len(session.store.path.read_text().splitlines()) == 1
    second = reply.json()["item"]["key"]
    assert client.post("/api/skip", headers=headers, json={"key": second}).json()["status"] == (
        "skipped"
    )
    undone = client.post("/api/undo", headers=headers, json={"key": first["key"]}).json()
    assert (undone["status"], undone["key"]) == ("undone", first["key"])
    assert session.store.path.read_text() == ""
    bad = client.post("/api/answer", headers=headers, json={"key": second, "label": "pro"})
    assert bad.status_code == 400 and "not one of" in bad.json()["error"]
    assert client.post("/api/answer", headers=headers, content=b"[1]").status_code == 400


def test_serve_binds_localhost_by_default_and_stops_when_asked(
    session: AnnotationSession,
) -> None:
    urls: list[str] = []
    stop = threading.Event()
    token = new_token()
    thread = threading.Thread(
        target=serve,
        args=(session,),
        kwargs={"token": token, "on_ready": urls.append, "stop": stop},
    )
    thread.start()
    try:
        deadline = threading.Event()
        while not urls and not deadline.wait(0.05):
            pass
        (url,) = urls
        assert url.startswith("http://127.0.0.1:") and url.endswith(f"/?token={token}")
        with urllib.request.urlopen(url, timeout=10) as page:
            assert page.status == 200
    finally:
        stop.set()
        thread.join(30)
    assert not thread.is_alive()
    assert len(token) >= 30


def test_two_tabs_answering_one_paragraph_write_one_row(session: AnnotationSession) -> None:
    from starlette.testclient import TestClient

    app = create_app(session, TOKEN)
    key = session.current()["key"]
    start = threading.Barrier(2)
    replies: list[str] = []

    def tab(label: str) -> None:
        with TestClient(app) as client:
            start.wait()
            reply = client.post(
                "/api/answer", headers={TOKEN_HEADER: TOKEN}, json={"key": key, "label": label}
            )
            replies.append(reply.json()["status"])

    tabs = [threading.Thread(target=tab, args=(label,)) for label in ("neutral", "abolitionist")]
    for thread in tabs:
        thread.start()
    for thread in tabs:
        thread.join()
    assert sorted(replies) == ["already answered", "saved"]
    (line,) = session.store.path.read_text().splitlines()
    assert key.startswith(json.loads(line)["doc_id"])


def test_the_page_numbers_paragraphs_from_0_like_the_labels_file(
    client, session: AnnotationSession
) -> None:
    """Issue 22: the page counted paragraphs from 1 while the labels file, the undo status, the
    API and predict count from 0."""
    headers = {TOKEN_HEADER: TOKEN}
    item = client.get("/api/state", headers=headers).json()["item"]
    assert item["key"] == f"{item['doc_id']}#{item['paragraph_index']}"
    script = client.get("/static/app.js", params={"token": TOKEN}).text
    assert "paragraph_index + 1" not in script
    assert "`#${current.paragraph_index}`" in script
    page = client.get("/", params={"token": TOKEN}).text
    assert "Paragraphs are numbered from 0" in page


def test_the_page_colours_no_side_as_good_or_bad(client) -> None:
    """Issue 22: the two stance buttons were bordered green and red."""
    import re

    style = client.get("/static/style.css", params={"token": TOKEN}).text
    assert not re.search(r'data-label="(decriminalisation|abolitionist)"', style)
    script = client.get("/static/app.js", params={"token": TOKEN}).text
    assert "46, 160, 90" not in script and "210, 60, 50" not in script  # no green, no red


def test_the_no_corpus_warning_outside_a_project_names_no_missing_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 22: outside a project the warning told the user to give --corpus data/corpus."""
    from stancekit.annotate.run import no_corpus_message

    monkeypatch.chdir(tmp_path)
    message = no_corpus_message()
    assert "no stancekit project here" in message and "--corpus data/corpus" not in message
    assert "give --corpus with labelled .jsonl files or folders" in message
