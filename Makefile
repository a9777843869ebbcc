# Two commands on a fresh machine: `make serve` and `make test`. Everything they need is set up here.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.stamp-installed
NPM    ?= npm
VENDOR := server/static/vendor
ASSETS := $(VENDOR)/.stamp-installed

.PHONY: setup assets build serve test lint typecheck pytest test-tools clean

setup: $(STAMP) $(ASSETS)

# The install depends on nothing but the lock. requirements.lock pins every package, transitive
# ones included, with its hashes; pip installs exactly those with --no-deps, so it never resolves
# anything itself (pip 23.2, which `python3 -m venv` brings, asked the index for the candidates of
# an extra, `smart-open[http]`, and refused the lock the day smart-open 9.0.4 was released).
# We chose this over a second, hash-pinned lock for pip itself: it works with whatever pip the
# venv brings and leaves nothing to resolve at all. `pip check` then proves the lock complete
# (every dependency of every package present, at a version it accepts), and tools/check_lock.py
# proves the venv holds exactly the lock: nothing else installed, every version the pinned one.
# --no-compile: Python compiles a module when it is first imported, so only what runs is
# compiled (pip compiling every file of every package took 14 of the install's 45 s).
$(STAMP): requirements.lock pyproject.toml tools/check_lock.py
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --no-deps --require-hashes --no-compile -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	$(BIN)/python -m pip check
	$(BIN)/python tools/check_lock.py requirements.lock
	touch $(STAMP)

# The browser libraries (YASGUI for /query, cytoscape.js for graph views) come from the npm
# registry, pinned with their hashes by package-lock.json, into node_modules/ (git-ignored); the
# files the pages load are copied into server/static/vendor/ (git-ignored) and served from there.
assets: $(ASSETS)

$(ASSETS): package.json package-lock.json
	$(NPM) ci --ignore-scripts --no-audit --no-fund
	rm -rf $(VENDOR)
	mkdir -p $(VENDOR)/yasgui $(VENDOR)/cytoscape
	cp node_modules/@zazuko/yasgui/build/yasgui.min.js node_modules/@zazuko/yasgui/build/yasgui.min.css $(VENDOR)/yasgui/
	cp node_modules/@zazuko/yasgui/package.json $(VENDOR)/yasgui/  # version and licence (MIT)
	cp node_modules/cytoscape/dist/cytoscape.min.js $(VENDOR)/cytoscape/
	cp node_modules/cytoscape/LICENSE node_modules/cytoscape/package.json $(VENDOR)/cytoscape/
	touch $(ASSETS)

build: setup
	$(BIN)/civicgraph build

serve: build
	$(BIN)/civicgraph serve $(if $(HOST),--host $(HOST)) $(if $(PORT),--port $(PORT))

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: setup
	$(BIN)/mypy

# The tests read every download back with an independent parser: rapper (Debian's raptor2-utils).
# The browser tests drive Debian's chromium with Playwright (which never downloads a browser).
# The graph store tests publish to a private Virtuoso (Debian's virtuoso-opensource): they start
# virtuoso-t themselves, with a database of their own on free ports, never the system service
# (debconf's dba-password question gets its default, unused by the tests).
test-tools:
	command -v rapper >/dev/null 2>&1 || (apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y raptor2-utils)
	test -x /usr/bin/chromium || (apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium)
	(command -v virtuoso-t && command -v isql-vt) >/dev/null 2>&1 || (apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y virtuoso-opensource)

# The tests run on both cores (pytest-xdist; TEST_WORKERS=0 runs them in one process), each test
# file in one worker (--dist loadfile: pytest took 5m24s on 2 idle cores, worksteal 5m59s); the
# corpus build and the generated sample are made once and shared between the workers
# (tests/live.py: shared_folder, locked).
TEST_WORKERS ?= 2
pytest: setup test-tools
	$(BIN)/pytest $(if $(filter 0,$(TEST_WORKERS)),,-n $(TEST_WORKERS) --dist loadfile)

# Lint and mypy run beside pytest (make -j): pytest leaves part of the two cores idle while its
# servers start and its slow-client tests wait. A failure in either still fails `make test`.
test: setup test-tools
	$(MAKE) --no-print-directory -j3 lint typecheck pytest

# Not a test: starts `civicgraph serve` over build/ on a loopback port, measures latency per
# query form and requests/s under 8 clients (about 30 s), and writes the figures to BENCHMARKS.md.
# Not a test: mutation testing (mutmut) of graph/extraction/, graph/queries.py, server/query.py,
# server/saved.py and server/linkeddata.py against the tests that guard them, on a fixed sample
# of each module's mutants, within a time budget; prints each module's score and every survivor.
# MUTATE="--sample 40 --budget 3600" are the defaults (tools/mutate.py --help).
.PHONY: mutate
mutate: setup
	$(BIN)/python tools/mutate.py $(MUTATE)

.PHONY: bench-sparql
bench-sparql: build
	$(BIN)/python bench/sparql_http.py

# Not a test: clean build and one-article rebuild at N = 5 (the corpus), 50 and 500 generated
# articles (bench/generate.py), each stage's time and peak memory, into BENCHMARKS.md (about
# 5 minutes on 2 cores; 5000 takes over 20). SIZES=5,50,500,5000 chooses the sizes.
.PHONY: bench-build
bench-build: setup
	$(BIN)/python bench/build_scale.py $(if $(SIZES),--sizes $(SIZES))

# Not a test: per-query latency on the memory, oxigraph and Virtuoso stores (a private Virtuoso
# is started on loopback and loaded with `civicgraph publish`), and the server's query path
# against pyoxigraph alone, for build/ (BUILD=DIR for another); into BENCHMARKS.md.
.PHONY: bench-stores
bench-stores: build test-tools
	$(BIN)/python bench/stores.py --virtuoso $(if $(BUILD),--build $(BUILD))

# Not a test: requests/s, p50 and p99 of civicgraph against Virtuoso's own endpoint, same data,
# 8 clients: two saved queries and one ad-hoc lookup, in one run; into BENCHMARKS.md.
.PHONY: bench-virtuoso
bench-virtuoso: build test-tools
	$(BIN)/python bench/versus_virtuoso.py $(if $(BUILD),--build $(BUILD))

# Not a test: the fast reasoning path against owlrl's full closure (times, and equality) on
# build/; BUILDS="DIR …" for other builds (e.g. the ones bench-build leaves with --work).
.PHONY: bench-reasoning
bench-reasoning: build
	$(BIN)/python bench/reasoning.py $(BUILDS)

# Not a test: how deep a query nests before Oxigraph's stack overflows, against the bound on
# brackets below which the oxigraph store gives Oxigraph a query unread (about 2 minutes).
.PHONY: bench-nesting
bench-nesting: setup
	$(BIN)/python bench/query_nesting.py

# Not a test: how quickly a second client is served while each hostile query of
# tests/test_hostile.py runs, on each store (about a minute); printed, not written anywhere.
.PHONY: bench-hostile
bench-hostile: build
	$(BIN)/python bench/hostile.py $(if $(BUILD),--build $(BUILD))

# Every benchmark above, one after the other.
.PHONY: bench
bench: bench-sparql bench-build bench-stores bench-virtuoso bench-reasoning bench-nesting

# Not a test: 60 s of 32 clients (saved queries, pages, downloads, ad-hoc queries) and two
# runaway clients against `civicgraph serve` on loopback; p50/p99 into RELIABILITY.md.
.PHONY: load
load: build
	$(BIN)/python bench/load.py

# Not a test: about 3 minutes. Slow clients (4 clients' p50/p99 alone, beside 100 connections
# trickling their headers, and the same against plain gthread workers) and the time to recover
# from a runaway query, killed workers, a SIGHUP reload and a failed build; into RELIABILITY.md.
.PHONY: reliability
reliability: build
	$(BIN)/python bench/reliability.py

# Re-pin after editing requirements.in (needs network to the package index). uv lives in a venv
# of its own (the project's venv holds the lock and nothing else); it keeps the versions the lock
# has unless `UPGRADE=--upgrade`.
.PHONY: lock
lock:
	test -x .lock-venv/bin/uv || ($(PYTHON) -m venv .lock-venv && .lock-venv/bin/python -m pip install --quiet uv)
	.lock-venv/bin/uv pip compile --quiet --generate-hashes --python-version 3.11 $(UPGRADE) requirements.in -o requirements.lock

clean:
	rm -rf build .build.versions .mutate
