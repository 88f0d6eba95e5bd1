# Two commands do everything on a fresh machine:
#   make report   set up .venv and run the main job on the bundled sample reports
#   make test     set up .venv (with test extras) and run the tests
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: report test train bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

report: $(STAMP)
	$(BIN)/themes report --out reports/sample

test: $(STAMP)
	$(BIN)/python -m pytest -q

train: $(STAMP)
	$(BIN)/themes labels build
	$(BIN)/themes train --compare-designs

bench: $(STAMP)
	$(BIN)/python scripts/bench_read.py
	$(BIN)/python scripts/bench_tag.py

clean:
	rm -rf $(VENV) build src/*.egg-info .pytest_cache
