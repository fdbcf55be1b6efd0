# The two set-up commands of the README. Both create .venv on first use.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.eks-access-installed

.PHONY: plan test lint clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

plan: $(STAMP)
	$(BIN)/eks-access plan --stack dev --out build/dev

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/mypy --strict -p eks_access
	$(BIN)/mypy tests benchmarks policies/__main__.py __main__.py

test: lint
	$(BIN)/python -m pytest -q

clean:
	rm -rf build .mypy_cache .ruff_cache .pytest_cache
