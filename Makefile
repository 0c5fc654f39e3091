PYTHON ?= python3
export PYTHON

.PHONY: setup demo test security lint bench release

setup:
	@bash tools/setup.sh

# The main job: grade the shipped sample course and show the result.
demo: setup
	@bash tools/demo.sh

# The test suite, as CI runs it: everything, then the hostile-submission suite as its own step
# (it grades about 250 notebooks with the real CLI; `make security` runs it alone).
test: setup
	$(PYTHON) -m pytest -q tests --ignore=tests/security
	$(PYTHON) -m pytest -q tests/security
	$(PYTHON) -m ruff check .

security: setup
	$(PYTHON) -m pytest -q tests/security

lint: setup
	$(PYTHON) -m ruff check .
	$(PYTHON) -m mypy

bench: setup
	$(PYTHON) benchmarks/bench_grade.py

release: setup
	cnngrader release lab6
	cnngrader release quiz6
