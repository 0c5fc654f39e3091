# Two commands do everything on a fresh machine: `make demo` and `make test` (what CI runs).
# Both install first (tools/setup.sh: Debian packages, then the project virtualenv in .venv).
VENV := $(CURDIR)/.venv
export PATH := $(VENV)/bin:$(PATH)
PYTHON := $(VENV)/bin/python

.PHONY: setup demo test security lint bench release

setup:
	@bash tools/setup.sh

# The main job: grade the shipped sample course and show the result.
demo: setup
	@bash tools/demo.sh

# The test suite, as CI runs it: everything, then the hostile-submission suite as its own step
# (it grades about 250 notebooks with the real CLI; `make security` runs it alone), then the linters.
test: setup
	$(PYTHON) -m pytest -q tests --ignore=tests/security
	$(PYTHON) -m pytest -q tests/security
	$(PYTHON) -m ruff check .
	$(PYTHON) -m mypy

security: setup
	$(PYTHON) -m pytest -q tests/security

lint: setup
	$(PYTHON) -m ruff check .
	$(PYTHON) -m mypy

bench: setup
	$(PYTHON) benchmarks/bench_grade.py

# Rebuild what students get from the instructor's notebooks (source/): adds what the notebooks
# leave implicit, runs nbgrader generate_assignment, proves nothing leaked, writes solutions/.
release: setup
	@for id in $$(ls source); do cnngrader release $$id || exit 1; done
