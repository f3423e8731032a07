# The two commands of the README: `make run` and `make test`. Both set everything up on a fresh clone, at the
# versions locked in requirements/ (the ones the suite passed with); a second run reuses what is there.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip --disable-pip-version-check
HOST   ?= 127.0.0.1
PORT   ?= 5000
# Tests in parallel, one worker per core (pytest-xdist); PYTEST_ARGS adds to them, for example -k offer.
WORKERS ?= auto

.PHONY: install install-test run test test-browser test-all screenshots lock clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# What running needs, at the locked versions (hash-checked), then the project itself: built without isolation
# from the locked setuptools, so that nothing unpinned is downloaded. --no-compile: byte-compiling every
# module of NumPy, SciPy, pandas and Matplotlib took half the install; Python compiles what it imports.
INSTALL_PROJECT = $(PIP) install --quiet --no-compile --no-deps --no-build-isolation -e .

$(VENV)/.run-installed: requirements/run.txt setup.cfg pyproject.toml | $(BIN)/python
	$(PIP) install --quiet --no-compile --require-hashes -r requirements/run.txt
	$(INSTALL_PROJECT)
	touch $@

# The test lock holds everything the run lock does at the same versions (tests/test_dependencies.py), plus
# the test tools (pytest, Playwright, pypdf, psycopg, Redis and RQ): one pass installs both.
$(VENV)/.test-installed: requirements/test.txt requirements/run.txt setup.cfg pyproject.toml | $(BIN)/python
	$(PIP) install --quiet --no-compile --require-hashes -r requirements/test.txt
	$(INSTALL_PROJECT)
	touch $@ $(VENV)/.run-installed

install: $(VENV)/.run-installed

install-test: $(VENV)/.test-installed

run: install
	$(BIN)/flask --app hiring db upgrade
	$(BIN)/flask --app hiring seed-demo --if-empty
	-$(BIN)/flask --app hiring train-model --if-missing
	@echo "Serving on http://$(HOST):$(PORT)  (choose another with: make run PORT=8000 HOST=0.0.0.0)"
	$(BIN)/flask --app hiring run --host $(HOST) --port $(PORT)

# The suite without the slow tests (building a wheel); services that are missing here (Redis, Chromium) make
# their tests skip with the reason. .ci/run runs everything and requires every service.
test: install-test
	$(BIN)/python -m pytest -n $(WORKERS) -m "not slow" $(PYTEST_ARGS)

test-all: install-test
	$(BIN)/python -m pytest -n $(WORKERS) $(PYTEST_ARGS)

test-browser: install-test
	REQUIRE_BROWSER=1 $(BIN)/python -m pytest tests/browser $(PYTEST_ARGS)

# The README's pictures, taken from a fresh demo by the system Chromium (docs/screenshots.py).
screenshots: install-test
	$(BIN)/python docs/screenshots.py

# Refresh the lock after changing the dependencies in setup.cfg (or to take newer releases), then run
# `make test` and commit requirements/. pip-tools runs in a venv of its own, apart from the app's.
lock:
	test -x .venv-lock/bin/pip-compile || ($(PYTHON) -m venv .venv-lock && .venv-lock/bin/pip install --quiet 'pip-tools>=7.4,<8')
	CUSTOM_COMPILE_COMMAND="make lock" .venv-lock/bin/pip-compile --quiet --upgrade --generate-hashes --allow-unsafe \
	    --strip-extras --no-emit-index-url --no-emit-find-links --extra dev \
	    -o requirements/test.txt setup.cfg requirements/build.in
	cp requirements/test.txt requirements/run.txt
	CUSTOM_COMPILE_COMMAND="make lock" .venv-lock/bin/pip-compile --quiet --generate-hashes --allow-unsafe \
	    --strip-extras --no-emit-index-url --no-emit-find-links \
	    -o requirements/run.txt setup.cfg requirements/build.in

clean:
	rm -rf $(VENV) .venv-lock build *.egg-info .pytest_cache
