# veedel: two set-up commands for a fresh machine (see README.md)
#   make run    install everything and produce all reports on the embedded demo data
#   make test   install everything and run the test suite
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
JUPYTER_STAMP := $(VENV)/.jupyter-installed
LAB_STAMP := $(VENV)/.lab-installed

.PHONY: run test install system-deps system-deps-test lab bench clean

# The packages go in with uv (from PyPI, installed by pip first): it downloads and unpacks in parallel, 26 s against
# pip's 74 s for the same versions on an empty cache (a fresh machine, as in CI). The bytecode is compiled at install
# time as pip does it: where Python writes no bytecode (PYTHONDONTWRITEBYTECODE) every process would otherwise compile
# pandas & co. from source again.
UV_INSTALL := $(BIN)/python -m uv pip install --quiet --python $(BIN)/python --compile-bytecode

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip uv
	$(UV_INSTALL) -e '.[test]'
	touch $(STAMP)

# the kernel "Python (veedel)" (IPC sockets, no unencrypted TCP) and the nbconvert/JupyterLab settings that
# keep the editing notes (cells tagged remove_cell) out of every conversion, written into the environment
$(JUPYTER_STAMP): $(STAMP) scripts/install-jupyter.py
	$(BIN)/python scripts/install-jupyter.py >/dev/null
	touch $(JUPYTER_STAMP)

# The package's bytecode, compiled once here: the editable install leaves it to each process, and where Python writes
# no bytecode (PYTHONDONTWRITEBYTECODE) every kernel of a run compiled the whole library again (0,1-0,2 s each)
install: $(STAMP) $(JUPYTER_STAMP)
	@$(BIN)/python -m compileall -q veedel_lib
	@echo "Installation abgeschlossen: $(BIN)/veedel ist bereit."

system-deps:
	@scripts/install-system-deps.sh run

system-deps-test:
	@scripts/install-system-deps.sh test
	@if command -v npm >/dev/null 2>&1; then npm ci --prefix tests/a11y --no-audit --no-fund --silent; \
	else echo "Hinweis: npm fehlt, die axe-core-Prüfungen werden übersprungen." >&2; fi

run: install system-deps
	@echo "Erzeuge jetzt die Berichte aller Gebiete mit den eingebauten Demodaten (etwa eine Minute) ..."
	$(BIN)/veedel run

# pytest-xdist with one worker more than the machine has cores: the tests wait about a fifth of their time for kernels,
# Chromium and other processes to start, and the extra worker fills those gaps (on 2 cores 558 s with 2 workers). The
# tests that share one demo run stay together on one worker (tests/conftest.py).
WORKERS := $(shell expr $$(nproc 2>/dev/null || echo 1) + 1)
test: install system-deps-test
	$(BIN)/python -m pytest -n $(WORKERS) --dist loadgroup

# JupyterLab and nbstripout, installed once (again only when pyproject.toml changes)
$(LAB_STAMP): $(STAMP)
	$(UV_INSTALL) -e '.[lab]'
	touch $(LAB_STAMP)

# JupyterLab at the project root: notebooks/ and parameters/ (with parameters/qualitative/*.md) side by side
lab: install $(LAB_STAMP)
	@# outputs are stripped from notebooks on every commit (git filter of nbstripout in .git/config)
	@if [ -e .git ]; then $(BIN)/nbstripout --install; fi
	$(BIN)/jupyter lab --notebook-dir="$(CURDIR)" $(if $(filter 0,$(shell id -u)),--allow-root) $(LAB_OPTIONS)

bench: install system-deps
	PYTHONWARNINGS="ignore:Editable installation" $(BIN)/python -m pip install --quiet -e '.[bench]'
	$(BIN)/python benchmarks/bench.py

clean:
	rm -rf $(VENV) build *.egg-info
