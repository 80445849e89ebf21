# Two commands: `make run` and `make test`. Everything else is set up on the way.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
export LOYALTY_DB ?= data/loyalty.duckdb
# Reference datasets beside the project (../shared/reference-data); tests skip visibly without them.
export LOYALTY_REFERENCE_DATA ?= $(abspath $(wildcard ../shared/reference-data))

.PHONY: run test install seed system chromium lint audit clean

$(STAMP): pyproject.toml constraints.txt
	@$(PYTHON) -m venv $(VENV) 2>/dev/null || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv && $(PYTHON) -m venv $(VENV); \
	  else echo "Python's venv module is missing: install python3-venv" >&2; exit 1; fi; }
	$(BIN)/pip install -q --disable-pip-version-check -c constraints.txt -e ".[test]"
	@touch $(STAMP)

install: $(STAMP)

seed: $(STAMP)
	$(BIN)/loyalty demo --if-empty

run: seed
	$(BIN)/python serve.py --server.address localhost --server.port 8501

# Debian's Chromium for the browser tests (installed when we are root and it is missing).
chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	  else echo "note: /usr/bin/chromium missing and not root; browser tests cannot run" >&2; fi; fi

# A local PostgreSQL for the PostgreSQL store (Debian's postgresql, installed when we are root
# and it is missing): set up in .pg/ on a free port, started; prints the postgresql:// address
# to use as LOYALTY_DB (e.g. `LOYALTY_DB=$$(make -s pg) make run`). `make pg-stop` stops it.
.PHONY: pg pg-stop postgresql
pg: $(STAMP)
	@$(BIN)/python -m loyalty.devdb start .pg

pg-stop: $(STAMP)
	@$(BIN)/python -m loyalty.devdb stop .pg

# Several app servers behind nginx on the PostgreSQL store (docs/deployment.md): the local
# PostgreSQL of `make pg` (or LOYALTY_DB=postgresql://…), seeded when empty, REPLICAS servers
# (`serve.py`) on free local ports and Debian's nginx (installed when we are root and it is
# missing) on CLUSTER_PORT, everything in .cluster/. `make cluster-stop` stops them.
.PHONY: cluster cluster-stop nginx
REPLICAS ?= 2
CLUSTER_PORT ?= 8500
cluster: $(STAMP)
	@$(BIN)/python -m loyalty.devcluster start --replicas $(REPLICAS) --port $(CLUSTER_PORT)

cluster-stop: $(STAMP)
	@$(BIN)/python -m loyalty.devcluster stop

# Debian's nginx for `make cluster` and the replica tests (installed when we are root).
nginx: $(STAMP)
	@$(BIN)/python -c "from loyalty import devcluster; devcluster.install()" 2>/dev/null || \
	  echo "note: nginx missing and not installable; the replica tests cannot run" >&2

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Known vulnerabilities in the pinned dependencies (PyPI's advisory data); fails on any.
audit: $(STAMP)
	$(BIN)/pip-audit -r constraints.txt --no-deps --disable-pip --progress-spinner off

# Two workers (pytest-xdist), one per core of the 2-core machine; a file's tests stay on one worker.
# Debian's PostgreSQL for the store's tests on both backends (installed when we are root and it
# is missing; without it those tests skip with the reason, or fail when CI=true).
postgresql: $(STAMP)
	@$(BIN)/python -c "from loyalty import devdb; devdb.install()" 2>/dev/null || \
	  echo "note: PostgreSQL missing and not installable; the PostgreSQL store tests cannot run" >&2

# The Debian packages the whole suite needs (chromium, postgresql, nginx) in one apt-get run
# when we are root and any is missing; the targets after it install one each where that failed.
system: $(STAMP)
	@missing=$$($(BIN)/python -c "import os; from loyalty import devcluster, devdb; \
	  need = (('chromium', os.access('/usr/bin/chromium', os.X_OK)), \
	          ('postgresql', devdb.binaries()), ('nginx-light', devcluster.nginx())); \
	  print(' '.join(name for name, found in need if not found))"); \
	if [ -n "$$missing" ] && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing \
	  || echo "note: apt-get install $$missing failed; trying one by one" >&2; fi

test: $(STAMP) system chromium postgresql nginx lint audit
	$(BIN)/pytest -n 2 --dist loadfile

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache

# The wall-clock tests and the benchmarks' own end-to-end tests (pytest -m 'perf or bench', left
# out of `make test`),
# benchmark at enterprise scale against the notebook way (bench/run.py; e.g. BENCH_ARGS="--runs 3"),
# interaction times on the demo chain (300 ms) and at 10,000 branches (1 s) (bench/interactions.py),
# each page's interaction after a pause (bench/pause.py; no target), the Data page's check and
# import of the newest survey in Chromium (bench/import_page.py; no target), and every page in Chromium beside its floor page, at the demo size and (unless QUICK=1) at
# 10,000 branches (bench/browser.py; e.g. BROWSER_ARGS="--runs 5"), and import and analysis on
# PostgreSQL beside DuckDB, at the demo size and (unless QUICK=1) at 10,000 branches
# (bench/backends.py). All write bench/RESULTS.md;
# the exit code is 1 when a target is missed.
.PHONY: bench load
bench: $(STAMP) chromium
	@s=0; $(BIN)/pytest -m 'perf or bench' -q -p no:cacheprovider || s=1; \
	$(BIN)/python -m bench.run $(BENCH_ARGS) || s=1; \
	$(BIN)/python -m bench.interactions --results || s=1; \
	$(BIN)/python -m bench.interactions --branches 10000 --waves 8 --respondents 1000000 \
	  --limit 1 --results || s=1; \
	$(BIN)/python -m bench.pause --results || s=1; \
	if [ -z "$(QUICK)" ]; then $(BIN)/python -m bench.pause --big --results || s=1; fi; \
	$(BIN)/python -m bench.import_page --results || s=1; \
	if [ -z "$(QUICK)" ]; then $(BIN)/python -m bench.import_page --big --results || s=1; fi; \
	$(BIN)/python -m bench.browser --results $(BROWSER_ARGS) || s=1; \
	if [ -z "$(QUICK)" ]; then $(BIN)/python -m bench.browser --big --results $(BROWSER_ARGS) || s=1; fi; \
	$(BIN)/python -m bench.backends --results || s=1; \
	if [ -z "$(QUICK)" ]; then $(BIN)/python -m bench.backends --branches 10000 --waves 8 \
	  --respondents 1000000 --results || s=1; fi; \
	exit $$s

# Load at the protocol level (bench/load_protocol.py: no browser; 25 sessions back to back,
# then with 5 s think time 100 sessions, or 25 with --big, as issue 13's targets name) and a
# small browser load test (5 Chromium sessions, bench/load.py). LOAD_ARGS go to the protocol
# load test (e.g. "--big"). The exit code is 1 on an error or a missed target.
THINK_SESSIONS = $(if $(findstring --big,$(LOAD_ARGS)),25,100)
load: $(STAMP) chromium
	@s=0; $(BIN)/python -m bench.load_protocol --sessions 25 --results $(LOAD_ARGS) || s=1; \
	$(BIN)/python -m bench.load_protocol --sessions $(THINK_SESSIONS) --think 5 --ramp 20 \
	  --results $(LOAD_ARGS) || s=1; \
	$(BIN)/python -m bench.load --sessions 5 || s=1; \
	exit $$s
