"""Shared fixtures: a tiny inline corpus, its params, and a model trained on it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from stancekit.params import EvaluateParams, PrepareParams, TrainParams

REPO = Path(__file__).resolve().parents[1]

DECRIM = [
    "Sex work is work, and sex workers deserve labour rights and safety.",
    "Criminalising clients pushes sex workers into danger and away from health services.",
    "Full decriminalisation lets workers screen clients and report violence to police.",
    "Nothing about us without us: sex workers must shape the laws that govern their work.",
    "Raids and site takedowns destroy the safety tools sex workers rely on.",
    "Trafficking is a crime, but conflating it with consensual sex work harms everyone.",
    "Peer-led outreach and decriminalisation cut HIV rates among sex workers.",
    "Migrant sex workers fear deportation when police raid their workplaces.",
]
ABOL = [
    "Prostitution is violence against women and the sex buyer must be criminalised.",
    "The Nordic model ends demand by punishing pimps and buyers, never the victims.",
    "Prostituted women need exit services, housing and support, not a licence to be exploited.",
    "The sex trade fuels trafficking; consent cannot be bought.",
    "Survivors of prostitution tell us that every buyer is a link in commercial sexual "
    "exploitation.",
    "Decriminalise the women, criminalise the pimps and sex buyers, and fund exit programmes.",
    "Websites that profit from selling women are pimps and must be prosecuted.",
    "End demand: a society of equals cannot let men buy access to women's bodies.",
]
NEUTRAL = [
    "The bill was read a second time on Tuesday and sent to committee.",
    "The court adjourned the hearing until March.",
    "Press contact: media office, telephone number on request.",
    "The law came into force on 1 April of that year.",
    "ENDS",
    "Police said three people had been arrested.",
    "The report was published in English and French.",
    "The committee will hear evidence from eleven witnesses.",
]


def tiny_rows() -> list[dict]:
    """Eight documents, each with one paragraph of every label."""
    rows = []
    for d, (dec, abo, neu) in enumerate(zip(DECRIM, ABOL, NEUTRAL, strict=True)):
        for i, (text, label) in enumerate(
            [(dec, "decriminalisation"), (abo, "abolitionist"), (neu, "neutral")]
        ):
            rows.append(
                {
                    "doc_id": f"doc-{d}",
                    "paragraph_index": i,
                    "text": text,
                    "label": label,
                    "source": "Test Source",
                    "origin": "authored",
                    "voice": ("collective", "coalition", "journalist", "academic")[d % 4],
                    "genre": (
                        "news",
                        "blog",
                        "op_ed",
                        "faq",
                        "letter",
                        "campaign",
                        "academic",
                        "press_release",
                    )[d],
                }
            )
    return rows


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


@pytest.fixture
def tiny_corpus(tmp_path: Path) -> Path:
    """A labelled JSONL file of 24 paragraphs in 8 documents."""
    return write_jsonl(tmp_path / "corpus.jsonl", tiny_rows())


@pytest.fixture
def tiny_train_params() -> TrainParams:
    """The default three-class, calibrated model, sized for eight documents."""
    return TrainParams(min_df=1, max_df=1.0, ngram_range=(1, 1), C=10.0, calibration_folds=4)


@pytest.fixture
def tiny_prepare_params(tiny_corpus: Path) -> PrepareParams:
    return PrepareParams(data=(str(tiny_corpus),), test_fraction=0.25, seed=0)


@pytest.fixture
def tiny_evaluate_params() -> EvaluateParams:
    return EvaluateParams(cv_folds=4, bootstrap_resamples=200, learning_curve=(0.5, 1.0), seed=0)


@pytest.fixture
def tiny_params_file(tmp_path: Path, tiny_corpus: Path) -> Path:
    """A params.yaml for the tiny corpus."""
    path = tmp_path / "params.yaml"
    path.write_text(
        f"prepare:\n  data: [{tiny_corpus}]\n  test_fraction: 0.25\n  seed: 0\n"
        "train:\n  min_df: 1\n  max_df: 1.0\n  ngram_range: [1, 1]\n  C: 10.0\n"
        "evaluate:\n  cv_folds: 3\n  bootstrap_resamples: 200\n  learning_curve: [0.5, 1.0]\n"
        "tune:\n  grid:\n    C: [1.0, 10.0]\n    ngram_range: [[1, 1], [1, 2]]\n  cv_folds: 3\n",
        encoding="utf-8",
    )
    return path


@pytest.fixture
def tiny_model(tmp_path: Path, tiny_corpus: Path, tiny_train_params: TrainParams) -> Path:
    """A model directory trained on the whole tiny corpus."""
    from stancekit.model.train import train

    model_dir = tmp_path / "model"
    train(tiny_train_params, tiny_corpus, model_dir)
    return model_dir


def run_cli(*args: object, stdin: str | None = None):
    """Run the stancekit command line in-process (typer's CliRunner), arguments as strings."""
    from typer.testing import CliRunner

    from stancekit.cli import app

    return CliRunner().invoke(app, [str(a) for a in args], input=stdin)


def assert_one_error_line(result, message: str) -> None:
    """Exit 1 and a single ``error: ...`` line on stderr that contains ``message``."""
    assert result.exit_code == 1, result.output
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("error: ") and message in line


class StreamingEngine:
    """An in-process engine that is not :class:`stancekit.scoring.engines.LocalEngine`: with it,
    ``predict_inputs`` always takes the streaming path (record by record), the reference the
    whole-table and Dask paths are compared with."""

    min_units = 0

    def map(self, function, tasks):
        for args in tasks:
            yield function(*args)


DECRIM_FR = [
    "Le travail du sexe est un travail : elles veulent des droits et la sécurité.",
    "La pénalisation des clients pousse les travailleuses vers des lieux isolés et dangereux.",
    "Nous demandons l'abrogation de la loi de 2016 et la décriminalisation totale.",
    "Rien sur nous sans nous : les travailleuses doivent écrire les lois qui les concernent.",
    "Les associations de santé communautaire constatent moins de dépistages depuis la répression.",
    "La traite est un crime, mais la confondre avec le travail du sexe consenti nuit à toutes.",
    "Les travailleuses migrantes craignent l'expulsion quand la police contrôle les camionnettes.",
    "Le droit du travail protège mieux les travailleuses du sexe que le code pénal.",
]
ABOL_FR = [
    "La prostitution est une violence faite aux femmes et le client prostitueur doit être puni.",
    "Le système prostitutionnel repose sur les proxénètes et sur la demande des acheteurs.",
    "Les personnes prostituées ont besoin d'un parcours de sortie, d'un logement et de soutien.",
    "La traite alimente la prostitution ; le consentement ne s'achète pas.",
    "Les survivantes de la prostitution disent que chaque achat d'acte sexuel est une violence.",
    "Dépénalisons les personnes prostituées, pénalisons les clients et les proxénètes.",
    "Les sites qui profitent de la vente des femmes sont des proxénètes à poursuivre.",
    "Une société d'égalité ne peut pas laisser des hommes acheter l'accès au corps des femmes.",
]
NEUTRAL_FR = [
    "Le Sénat a examiné la proposition de loi en deuxième lecture mardi après-midi.",
    "Le tribunal a renvoyé l'audience au mois de mars prochain.",
    "Contact presse : service communication, numéro communiqué sur demande.",
    "La loi est entrée en vigueur le premier avril de cette année-là.",
    "Fin du communiqué.",
    "La police a indiqué que trois personnes avaient été interpellées.",
    "Le rapport a été publié en français et en anglais.",
    "La commission entendra onze témoins au cours de la semaine.",
]


def tiny_rows_fr() -> list[dict]:
    """The tiny corpus's French counterpart (written in French, not translated row by row)."""
    rows = []
    for d, (dec, abo, neu) in enumerate(zip(DECRIM_FR, ABOL_FR, NEUTRAL_FR, strict=True)):
        for i, (text, label) in enumerate(
            [(dec, "decriminalisation"), (abo, "abolitionist"), (neu, "neutral")]
        ):
            rows.append(
                {
                    "doc_id": f"fr-doc-{d}",
                    "paragraph_index": i,
                    "text": text,
                    "label": label,
                    "source": "Source de test",
                    "origin": "authored",
                    "language": "fr",
                }
            )
    return rows


@pytest.fixture
def tiny_bundle(tiny_model: Path, tiny_train_params: TrainParams) -> Path:
    """The tiny English model with a French model in its fr/ subfolder."""
    from stancekit.model.train import train

    corpus = write_jsonl(tiny_model.parent / "corpus-fr.jsonl", tiny_rows_fr())
    train(tiny_train_params, corpus, tiny_model / "fr", language="fr")
    return tiny_model


class SmallDisk:
    """A real small file system (tmpfs) that a test can fill to the last byte."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.filler = root / ".filler"

    def fill(self) -> None:
        """Write until the disk is full (ENOSPC)."""
        import errno
        import os

        fd = os.open(self.filler, os.O_WRONLY | os.O_CREAT | os.O_APPEND)
        try:
            for size in (1 << 16, 1 << 12, 1 << 8, 1):
                while True:
                    try:
                        os.write(fd, b"x" * size)
                    except OSError as exc:
                        assert exc.errno == errno.ENOSPC
                        break
        finally:
            os.close(fd)

    def free(self) -> None:
        self.filler.unlink(missing_ok=True)


@pytest.fixture
def small_disk(tmp_path: Path):
    """A 1 MB tmpfs mounted for the test (needs root; skipped where it cannot be mounted)."""
    import os
    import subprocess

    root = tmp_path / "disk"
    root.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(root)], capture_output=True
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs: {mounted.stderr.decode().strip()}")
    try:
        yield SmallDisk(root)
    finally:
        subprocess.run(["umount", "-l", str(root)], check=False)


def mine_table(tmp_path: Path) -> Path:
    """A user's own labelled CSV (labels spelled their way: PRO, anti, Neutral)."""
    path = tmp_path / "mine.csv"
    path.write_text(
        "body,stance\n"
        '"Zebra licences protect night workers.",PRO\n'
        '"Zebra licences shield exploiters.",anti\n'
        '"The zebra count was published.",Neutral\n',
        encoding="utf-8",
    )
    return path
