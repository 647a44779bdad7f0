# Two commands for a fresh Linux machine: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000
# Absolute links (QR codes, PDF verification lines, emails, Open Badges ids) follow PORT
# unless SITE_URL is set in the environment or in .env.
DEMO_SITE_URL := $(if $(SITE_URL),,$(if $(shell grep -s '^SITE_URL=' .env),,SITE_URL=http://127.0.0.1:$(PORT)))
MANAGE := $(PY) manage.py
DEMO_MANAGE = $(DEMO_SITE_URL) $(MANAGE)
APPS := cms courses learning certificates

.DEFAULT_GOAL := help
.PHONY: help demo test test-system-deps check bench messages translations-check system-deps serve migrate seed clean signing-key interop-packages

help:
	@echo "make demo    install into $(VENV), migrate, seed the bilingual demo, serve http://127.0.0.1:$(PORT)"
	@echo "make test    install test tools into $(VENV) (and tests/interop's npm packages) and run the whole suite"
	@echo "make check   linters, migration and translation checks (CI runs them)"
	@echo "make bench   benchmarks on PostgreSQL and Redis at 127.0.0.1, written to bench/RESULTS.md"

system-deps:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' || { \
	  echo "Python 3.11 or newer is needed (found: $$($(PYTHON) --version 2>&1)). Set PYTHON=python3.11." >&2; exit 1; }
	@.ci/system-packages demo

# The system packages the suite needs (Chromium, poppler, zbar, HarfBuzz's subsetter, Node.js):
# installed as root, otherwise `make test` stops with the line that installs them.
test-system-deps:
	@.ci/system-packages test

$(VENV)/.installed: pyproject.toml | system-deps
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip setuptools
	$(PY) -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(PY) -m pip install --quiet -e ".[test]"
	@touch $@

$(VENV)/.installed-bench: pyproject.toml $(VENV)/.installed
	$(PY) -m pip install --quiet -e ".[bench]"
	@touch $@

# Builds a bench_<timestamp> database at 127.0.0.1:5432 (dropped at the end), loads it, drives
# gunicorn with locust and a Celery worker through Redis at 127.0.0.1:6379; about 15 minutes.
bench: $(VENV)/.installed-bench translations
	$(PY) bench/run.py $(BENCH_ARGS)

.env:
	@$(PY) -c 'from django.core.management.utils import get_random_secret_key as k; print("SECRET_KEY=" + k())' > $@
	@echo "Wrote .env with a new SECRET_KEY (see .env.example for every setting)."

# A development certificate signing key (Ed25519, PEM on one line with \n escapes) and its id,
# added to .env once: nothing changes when .env or the environment already has a key.
signing-key: $(VENV)/.installed .env
	@if [ -z "$$CERTIFICATE_SIGNING_KEY" ] && ! grep -q '^CERTIFICATE_SIGNING_KEY=' .env; then \
	  $(PY) -c 'import datetime; from cryptography.hazmat.primitives import serialization as s; from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey as K; pem = K.generate().private_bytes(s.Encoding.PEM, s.PrivateFormat.PKCS8, s.NoEncryption()).decode(); print("CERTIFICATE_SIGNING_KEY=" + pem.strip().replace(chr(10), chr(92) + "n")); print("CERTIFICATE_SIGNING_KEY_ID=dev-" + datetime.date.today().isoformat())' >> .env; \
	  echo "Added a development certificate signing key to .env."; \
	fi

translations: $(VENV)/.installed
	@if ls $(addsuffix /locale/*/LC_MESSAGES/*.po,$(APPS)) >/dev/null 2>&1; then \
	  $(MANAGE) compilemessages --ignore=$(VENV) --ignore=node_modules -v 0; fi

migrate: $(VENV)/.installed .env signing-key
	$(DEMO_MANAGE) migrate --noinput -v 0

seed: migrate translations
	$(DEMO_MANAGE) seed_demo

demo: seed
	$(DEMO_MANAGE) runserver 127.0.0.1:$(PORT)

# The outside verifiers' Node.js libraries (tests/certificates/test_interop.py), exactly as
# pinned in the lockfile; installed again when the lockfile changes.
INTEROP := tests/interop
$(INTEROP)/node_modules/.package-lock.json: $(INTEROP)/package-lock.json $(INTEROP)/package.json | test-system-deps
	cd $(INTEROP) && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

interop-packages: $(INTEROP)/node_modules/.package-lock.json

# Browser tests (tests/e2e) drive Debian's Chromium; the PostgreSQL, Redis and Celery worker
# tests run when DATABASE_URL and CELERY_BROKER_URL point at those services (as in .ci/run).
test: test-system-deps $(VENV)/.installed-test translations interop-packages
	$(VENV)/bin/pytest $(PYTEST_ARGS)

check: $(VENV)/.installed-test translations-check
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DJANGO_SETTINGS_MODULE=cms.settings.test $(MANAGE) makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=cms.settings.test $(MANAGE) check --fail-level WARNING

# Fails on any untranslated or fuzzy French message, or one without French spacing.
translations-check:
	@status=0; for po in $$(find $(APPS) -path '*/locale/fr/LC_MESSAGES/*.po'); do \
	  stats=$$(msgfmt --check --statistics -o /dev/null $$po 2>&1) || status=1; \
	  echo "$$po: $$stats"; \
	  echo "$$stats" | grep -qE 'untranslated|fuzzy' && status=1; \
	done; $(MANAGE) typeset_french_catalogs --check || status=1; exit $$status

# Refresh the French catalogs after changing user-facing strings.
messages: $(VENV)/.installed
	@for app in $(APPS); do (cd $$app && ../$(PY) ../manage.py makemessages -l fr --no-obsolete -v 0 --ignore='content/*'); done
	@$(MANAGE) typeset_french_catalogs
	@echo "Now translate the new entries in */locale/fr/LC_MESSAGES/django.po"

clean:
	rm -rf $(VENV) db.sqlite3 static media $(INTEROP)/node_modules
