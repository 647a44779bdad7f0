# Two commands for a fresh Linux machine: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000
MANAGE := $(PY) manage.py
APPS := cms courses learning certificates

.DEFAULT_GOAL := help
.PHONY: help demo test check messages translations-check system-deps serve migrate seed clean

help:
	@echo "make demo    install into $(VENV), migrate, seed the bilingual demo, serve http://127.0.0.1:$(PORT)"
	@echo "make test    install test tools into $(VENV) and run the whole suite"
	@echo "make check   linters, migration and translation checks (CI runs them)"

system-deps:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' || { \
	  echo "Python 3.11 or newer is needed (found: $$($(PYTHON) --version 2>&1)). Set PYTHON=python3.11." >&2; exit 1; }
	@ldconfig -p 2>/dev/null | grep -q 'libpango-1.0' || { \
	  echo "WeasyPrint needs Pango. Install it with:  sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0" >&2; exit 1; }
	@command -v msgfmt >/dev/null || { \
	  echo "Compiling translations needs gettext. Install it with:  sudo apt-get install gettext" >&2; exit 1; }

$(VENV)/.installed: pyproject.toml | system-deps
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(PY) -m pip install --quiet -e ".[test]"
	@touch $@

.env:
	@$(PY) -c 'from django.core.management.utils import get_random_secret_key as k; print("SECRET_KEY=" + k())' > $@
	@echo "Wrote .env with a new SECRET_KEY (see .env.example for every setting)."

translations: $(VENV)/.installed
	@if ls $(addsuffix /locale/*/LC_MESSAGES/*.po,$(APPS)) >/dev/null 2>&1; then \
	  $(MANAGE) compilemessages --ignore=$(VENV) --ignore=node_modules -v 0; fi

migrate: $(VENV)/.installed .env
	$(MANAGE) migrate --noinput -v 0

seed: migrate translations
	$(MANAGE) seed_demo

demo: seed
	$(MANAGE) runserver 127.0.0.1:$(PORT)

test: $(VENV)/.installed-test translations
	$(VENV)/bin/pytest $(PYTEST_ARGS)

check: $(VENV)/.installed-test translations-check
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DJANGO_SETTINGS_MODULE=cms.settings.test $(MANAGE) makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=cms.settings.test $(MANAGE) check --fail-level WARNING

# Fails on any untranslated or fuzzy French message.
translations-check:
	@status=0; for po in $$(find $(APPS) -path '*/locale/fr/LC_MESSAGES/*.po'); do \
	  stats=$$(msgfmt --check --statistics -o /dev/null $$po 2>&1) || status=1; \
	  echo "$$po: $$stats"; \
	  echo "$$stats" | grep -qE 'untranslated|fuzzy' && status=1; \
	done; exit $$status

# Refresh the French catalogs after changing user-facing strings.
messages: $(VENV)/.installed
	@for app in $(APPS); do (cd $$app && ../$(PY) ../manage.py makemessages -l fr --no-obsolete -v 0 --ignore='content/*'); done
	@echo "Now translate the new entries in */locale/fr/LC_MESSAGES/django.po"

clean:
	rm -rf $(VENV) db.sqlite3 static media
