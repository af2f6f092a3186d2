# Quick start: `make run` serves the demo platform, `make test` runs every test.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 5000

.PHONY: run test bench clean translations screenshots

$(BIN)/python:
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "Python 3.11 or newer is needed")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[test]'
	touch $@ $(VENV)/.installed-run

run: $(VENV)/.installed-run
	$(BIN)/lms init --demo
	$(BIN)/flask --app wsgi run --host 127.0.0.1 --port $(PORT)

test: $(VENV)/.installed-test
	$(BIN)/pytest $(PYTEST_ARGS)

# PNGs of each role's main page (and the learner's on a phone) into docs/screenshots/, with the system Chromium.
screenshots: $(VENV)/.installed-test
	$(BIN)/python -m tests.browser.screenshots

bench: $(VENV)/.installed-test
	$(BIN)/python -m bench

# Extract every translatable string, merge it into each language's catalog (translations already made are kept),
# then compile the .mo files that are committed beside the .po files. Never `pybabel init` an existing language.
TRANSLATIONS := lms/translations
translations: $(VENV)/.installed-run
	$(BIN)/pybabel extract -F babel.cfg -k lazy_gettext -k _l -k N_ -k nav_item:1 --add-location=file --sort-by-file \
		--project "Service Excellence" --copyright-holder "Service Excellence" -o $(TRANSLATIONS)/messages.pot .
	$(BIN)/pybabel update -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS) --no-fuzzy-matching
	$(BIN)/pybabel compile -d $(TRANSLATIONS) --statistics

clean:
	rm -rf $(VENV) instance .pytest_cache *.egg-info
