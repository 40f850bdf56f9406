# Grapefruit: `make run` serves a demo on http://127.0.0.1:8000, `make test` runs every check.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test test-easyocr bench lint install install-dev install-bench sysdeps sysdeps-test services migrate demo worker clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

# Stamp files re-run pip only when the requirement files change.
$(VENV)/.installed: requirements.txt | $(PY)
	$(PIP) install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(PY)
	$(PIP) install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.installed

$(VENV)/.installed-bench: requirements.txt requirements-dev.txt requirements-bench.txt | $(PY)
	$(PIP) install --quiet -r requirements-bench.txt
	touch $@ $(VENV)/.installed-dev $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev
install-bench: $(VENV)/.installed-bench

# EasyOCR (optional, about 6.6 GB with PyTorch) gets a virtualenv of its own, so .venv and `make test` stay lean.
# pip takes the pinned torch and torchvision from the local wheel store where there is one, else downloads them.
EASYOCR_VENV := .venv-easyocr
$(EASYOCR_VENV)/.installed: requirements.txt requirements-dev.txt requirements-easyocr.txt
	$(PYTHON) -m venv $(EASYOCR_VENV)
	$(EASYOCR_VENV)/bin/pip install --quiet --upgrade pip
	$(EASYOCR_VENV)/bin/pip install --quiet -r requirements-dev.txt -r requirements-easyocr.txt
	touch $@

# System packages: Tesseract for OCR (both targets), Chromium for the page tests, docker-compose to validate
# compose.yaml (`config` needs no Docker engine).
sysdeps:
	@scripts/ensure-system-packages.sh tesseract-ocr
sysdeps-test:
	@scripts/ensure-system-packages.sh tesseract-ocr chromium docker-compose

services:
	@scripts/ensure-services.sh

migrate: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py createcachetable

demo: migrate
	$(PY) manage.py seed_demo

# Embedded mode (no DATABASE_URL / REDIS_URL): SQLite under var/ and a Celery worker on a filesystem broker,
# so uploads return at once and OCR runs in the background. The script prints the address; Ctrl-C or SIGTERM
# stops both processes.
run: install sysdeps demo
	$(PY) scripts/run_embedded.py --host $(HOST) --port $(PORT)

worker: install
	$(VENV)/bin/celery -A grapefruit worker --beat --loglevel=INFO

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/hadolint Dockerfile

# The EasyOCR tests belong to test-easyocr (5 GB of memory, seconds per page), even where .venv has EasyOCR too.
test: install-dev sysdeps-test services lint
	$(PY) manage.py check --settings=grapefruit.settings_test
	$(PY) -m pytest -m "not easyocr"

# EasyOCR's tests for real in its own virtualenv: a test that would skip there fails instead (ocr/tests/conftest.py).
test-easyocr: $(EASYOCR_VENV)/.installed services
	GRAPEFRUIT_REQUIRE_EASYOCR=1 $(EASYOCR_VENV)/bin/python -m pytest ocr/tests/test_easyocr.py

bench: install-bench sysdeps-test services
	$(PY) bench/run_all.py

clean:
	rm -rf $(VENV) $(EASYOCR_VENV) var .pytest_cache .ruff_cache
