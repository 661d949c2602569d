# Two commands: `make run` (set up, run the pipeline, score the seeds) and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
export DVC_NO_ANALYTICS := 1
# dvc.yaml's stage commands call `stancekit`: the venv's bin must come first on PATH.
export PATH := $(CURDIR)/$(BIN):$(PATH)

.PHONY: run test test-quick browser docs lint bench bench-startup bench-dask bench-trends bench-annotate bench-label-weight bench-langid bench-context realworld clean help

help:
	@echo "make run   - create .venv, install, run the DVC pipeline, score the seed documents"
	@echo "make test  - create .venv with the dev extra, install chromium if missing, run the test suite"
	@echo "make docs  - build the documentation site into site/ (offline; figures made by the code)"
	@echo "make test-quick - the test suite without the slow end-to-end and model tests"
	@echo "make lint  - ruff"
	@echo "make bench - stancekit predict vs raw scikit-learn on N corpus paragraphs: library, JSONL/CSV/Parquet end to end, --jobs 2, Dask, RSS at N and 4N (minutes; N=100000 P=300000 BENCH_ARGS=--json FILE)"
	@echo "make realworld - final check of the shipped model on ../shared/realworld-dev, English and every language (never tune on it)"
	@echo "make bench-startup - one-text stancekit predict against a bare sklearn import (seconds)"
	@echo "make bench-dask - predict vs --jobs 2 vs --engine dask on DASK_N paragraphs (minutes)"
	@echo "make bench-trends - stancekit trends at scale: wall time, peak RSS (TRENDS_N=10000000 rows)"
	@echo "make bench-annotate - simulated annotator: annotate queue vs random labels on ../shared/realworld-dev (~10 min)"
	@echo "make bench-label-weight - weight of your own labels vs the corpus, simulated on the corpus alone (LABEL_WEIGHT_ARGS)"
	@echo "make bench-langid - language identification libraries compared (installs the candidates into .venv)"
	@echo "make bench-context - does the document around a paragraph help? grouped CV (CONTEXT_ARGS=--language fr)"

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "stancekit needs Python 3.11 or newer (found $$($(PYTHON) --version))"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Stamps re-run the install when pyproject.toml changes.
$(VENV)/.pipeline: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[pipeline]"
	@touch $@

$(VENV)/.dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $@ $(VENV)/.pipeline

# `dvc repro` ends with "Use `dvc push` to send your updates to remote storage." whether or not
# a remote exists; this project configures none, so `make run` drops that line when there is no
# remote (the exit code is kept: pipefail).
REPRO = bash -o pipefail -c 'if [ -n "$$($(BIN)/dvc remote list)" ]; then exec $(BIN)/dvc repro; fi; \
	$(BIN)/dvc repro | grep -v "^Use .dvc push. to send"'

run: $(VENV)/.pipeline
	$(REPRO)
	@# the default model the package ships (src/stancekit/default_model/): written only if it changed
	$(BIN)/python -m stancekit.model.packaged models src/stancekit/default_model
	@echo
	@$(BIN)/stancekit info
	@echo "(full report: models/report.html; all figures: dvc metrics show)"
	@echo
	$(BIN)/stancekit predict seeds/ --format table --threshold 0.6
	@echo
	@echo "stancekit is installed in .venv/: type  . .venv/bin/activate  to use it in this shell"

test: $(VENV)/.dev browser
	$(BIN)/python -m pytest

# The annotate page's browser test and the docs' screenshots drive Debian's chromium and its
# driver: installed when missing (as root, or with sudo that needs no password), else one line
# says what to run.
browser:
	@if command -v chromium >/dev/null && command -v chromedriver >/dev/null; then :; \
	elif ! command -v apt-get >/dev/null; then \
		echo "make test: the browser tests need chromium and chromedriver (no apt-get here): install them and run make test again"; \
	elif [ "$$(id -u)" -eq 0 ] || sudo -n true 2>/dev/null; then \
		sudo=""; [ "$$(id -u)" -eq 0 ] || sudo="sudo -n"; \
		DEBIAN_FRONTEND=noninteractive $$sudo apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq --no-install-recommends chromium chromium-driver; \
	else \
		echo "make test: the browser tests need chromium: run  sudo apt-get install chromium chromium-driver  then make test"; \
	fi

# The documentation site (MkDocs + Material + mkdocstrings), offline, into site/: the figures
# (a report, a trends chart, the annotate page) are made first by the code, into docs/generated/.
docs: $(VENV)/.dev browser
	$(BIN)/python docs/figures.py --out docs/generated
	$(BIN)/mkdocs build --strict --site-dir site
	@echo "open site/index.html"

# While iterating: skips the tests marked e2e (real CLI and dvc repro in subprocesses) and model
# (behaviour of the default model); `make test` and CI run everything.
test-quick: $(VENV)/.dev
	$(BIN)/python -m pytest -m "not e2e and not model"

lint: $(VENV)/.dev
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests

# N paragraphs sampled from data/corpus/en (4N for memory), P for --jobs 2 and Dask; every line
# against raw scikit-learn (model.joblib's predict_proba) and its aim, then a markdown table.
# Override: make bench N=20000 P=50000 BENCH_ARGS="--json bench.json"
N ?= 100000
P ?= 300000
BENCH_ARGS ?=
bench: $(VENV)/.dev
	$(BIN)/dvc repro
	$(BIN)/python benchmarks/bench_predict.py --n $(N) --parallel-n $(P) $(BENCH_ARGS)

# The final check on published paragraphs nobody here wrote (../shared/realworld-dev): evaluation
# only, never for choosing features, terms or parameters. Not part of the tests.
REALWORLD ?= ../shared/realworld-dev/paragraphs.jsonl
realworld: $(VENV)/.pipeline
	@test -f $(REALWORLD) || { echo "$(REALWORLD) not found: the real-world check needs ../shared"; exit 1; }
	$(BIN)/dvc repro
	$(BIN)/python benchmarks/realworld.py --dev $(dir $(REALWORLD))
	$(BIN)/stancekit predict --format jsonl "The weather was mild on Tuesday." "Donate now to support our work."

# One-text `stancekit predict` (portable model, no scikit-learn import) against a bare
# `import sklearn...`, best of 5 each; target <= 0.35x.
bench-startup: $(VENV)/.dev
	$(BIN)/dvc repro
	$(BIN)/python benchmarks/bench_startup.py

# DASK_N paragraphs in Parquet shards of 25,000: one process, --jobs 2, --engine dask (a
# LocalCluster, one worker per core). On a busy 2-core machine: make bench-dask DASK_N=200000
DASK_N ?= 1000000
bench-dask: $(VENV)/.dev
	$(BIN)/dvc repro
	$(BIN)/python benchmarks/bench_dask.py --n $(DASK_N)
# stancekit trends on TRENDS_N generated scored rows (a partitioned Parquet folder): wall time and
# peak RSS. Needs no model. Override: make bench-trends TRENDS_N=2000000
TRENDS_N ?= 10000000
bench-trends: $(VENV)/.dev
	$(BIN)/python benchmarks/bench_trends.py --n $(TRENDS_N)

# Simulated annotator: macro-F1 on held-out organisations of ORACLE after 0-100 labels picked by
# the annotate queue vs at random (ANNOTATE_ARGS: e.g. --repeats 2 --points 0,10,25 --uncalibrated).
# Writes its JSON and PNG to a temporary folder unless ANNOTATE_ARGS has --out DIR.
ORACLE ?= ../shared/realworld-dev/paragraphs.jsonl
ANNOTATE_ARGS ?=
bench-annotate: $(VENV)/.dev
	@test -f $(ORACLE) || { echo "$(ORACLE) not found: give a labelled file, make bench-annotate ORACLE=FILE"; exit 1; }
	$(BIN)/python benchmarks/bench_annotate.py --oracle $(ORACLE) $(ANNOTATE_ARGS)

# How much a user's own labels should weigh against the corpus (stancekit.model.pipeline.USER_LABEL_WEIGHT),
# simulated on the corpus alone: whole genres and whole voices held out, k of their paragraphs
# labelled (queue and random) at weights 1, 3, 10, 30. Cost: ~25 uncalibrated fits per group, 34
# groups, ~20 min with 2 processes; LABEL_WEIGHT_ARGS="--groups 6 --jobs 2" keeps the 6 largest
# genres and voices.
LABEL_WEIGHT_ARGS ?= --jobs 2
bench-label-weight: $(VENV)/.dev
	$(BIN)/python benchmarks/bench_label_weight.py $(LABEL_WEIGHT_ARGS)

clean:
	rm -rf $(VENV) data/prepared models/heldout models/model.joblib models/model.json \
		models/model.npz models/model_card.json site docs/generated

# Language identification candidates on the corpus's languages and their neighbours: accuracy on
# full and 10-word paragraphs, speed, determinism, start-up, installed size (docs: Languages).
bench-langid: $(VENV)/.dev
	$(BIN)/python -m pip install --quiet py3langid pycld2 lingua-language-detector langdetect
	$(BIN)/python benchmarks/bench_langid.py

# Document context (neighbouring paragraphs, the document's mean) against the paragraph alone,
# grouped CV by document, voice and genre; the rule that would make it the default is in the script.
CONTEXT_ARGS ?=
bench-context: $(VENV)/.dev
	$(BIN)/python benchmarks/bench_context.py $(CONTEXT_ARGS)
