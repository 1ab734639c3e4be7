# The two commands of the quick start:  make run  |  make test
.PHONY: run test lint bench package

PY := .venv/bin/python

run:
	@bash scripts/bootstrap.sh app
	@bash scripts/run-app.sh $(ARGS)

test:
	@bash scripts/bootstrap.sh test
	@bash scripts/run-tests.sh

lint:
	@$(PY) -m ruff check qteditor tests bench
	@$(PY) -m ruff format --check qteditor tests bench
	@$(PY) -m mypy

bench:
	@$(PY) bench/roundtrip.py

package:
	@bash scripts/bootstrap.sh app
	@bash packaging/build.sh
