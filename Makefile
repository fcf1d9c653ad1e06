# The two commands that matter: `make run` (portal with demo content) and `make test` (whole suite).
SHELL := /bin/bash
.DEFAULT_GOAL := help
S := scripts

help:
	@echo "make run     install everything, start PostgreSQL, Solr 9, Redis and CKAN on http://127.0.0.1:5000, publish the demo"
	@echo "make test    install everything, start the services and run the whole pytest suite"
	@echo "make stop    stop every service;  make status  show what is running"
	@echo "make bench   run the benchmarks in bench/ (needs the portal running)"
	@echo "make backup  PostgreSQL (catalogue + DataStore), uploaded files, validation results -> var/backups/westsuffolk-<date>.tar.gz"
	@echo "make restore ARCHIVE=var/backups/westsuffolk-<date>.tar.gz  into empty databases, then rebuild the Solr index"
	@echo "make audit   known vulnerabilities in the pinned Python requirements (pip-audit) and npm packages"
	@echo "make lint    ruff over the whole repository (rules in pyproject.toml)"
	@echo "make screenshots  home, search, dataset and resource pages at 1280 and 320 px into var/screenshots/"

install:
	@$(S)/install.sh

run: install
	@$(S)/services.sh start-backing
	@$(S)/services.sh init run
	@$(S)/services.sh start-ckan
	@$(S)/demo.sh
	@$(S)/services.sh status

test: install
	@$(S)/services.sh start-backing
	@$(S)/services.sh init test
	@$(S)/test.sh $(PYTEST_ARGS)

screenshots: install
	@$(S)/services.sh start-backing
	@$(S)/services.sh init test
	@$(S)/test.sh -q -s tests/browser/test_screenshots.py

stop:
	@$(S)/services.sh stop

status:
	@$(S)/services.sh status

lint: install
	@.venv/bin/ruff check .

bench:
	@.venv/bin/python bench/validate.py
	@.venv/bin/python bench/publish.py
	@.venv/bin/python bench/load.py

backup:
	@$(S)/backup.sh run

restore:
	@test -n "$(ARCHIVE)" || { echo "usage: make restore ARCHIVE=var/backups/westsuffolk-<date>.tar.gz"; exit 2; }
	@$(S)/services.sh start-backing
	@$(S)/restore.sh "$(ARCHIVE)" run

audit:
	@$(S)/audit.sh

.PHONY: help install run test lint stop status bench screenshots backup restore audit
