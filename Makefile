# smartkey — `make sim` runs the firmware on the virtual board, `make test` runs every check.
# Both create .venv/ with the pinned packages first (requirements/*.txt).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: sim test test-long bench clean screenshots golden rp2040

# The RP2040 emulator (rp2040js, pinned by package-lock.json) for tests/rp2040 and the bench;
# without npm that tier is skipped and says why.
RP2040_STAMP := tools/rp2040/node_modules/.installed-stamp
RP2040_DEPS := $(if $(shell command -v npm),$(RP2040_STAMP))

$(STAMP): requirements/host.txt requirements/dev.txt requirements/drivers.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check \
		-r requirements/host.txt -r requirements/dev.txt
	@# The drivers without their Blinka dependency: the virtual board's fakes stand in for it.
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps \
		-r requirements/drivers.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

$(RP2040_STAMP): tools/rp2040/package.json tools/rp2040/package-lock.json
	cd tools/rp2040 && npm ci --silent --no-audit --no-fund
	touch $@

rp2040: $(RP2040_STAMP)

sim: $(STAMP)
	$(BIN)/smartkey sim

test: $(STAMP) $(RP2040_DEPS)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy smartkey_fw code.py boot.py
	$(BIN)/mypy tools/smartkey
	$(BIN)/pytest -n 2

# The long property runs (100,000+ cases each); not part of `make test`.
test-long: $(STAMP)
	HYPOTHESIS_PROFILE=long $(BIN)/pytest -m slow

bench: $(STAMP) $(RP2040_DEPS)
	$(BIN)/python -P bench/__main__.py

clean:
	rm -rf $(VENV) tools/rp2040/node_modules

screenshots: $(STAMP)
	$(BIN)/python -P docs/screenshots.py

# Rewrites the golden images of the OLED (tests/golden/) from the current firmware. Only after
# a change to the screens that is meant: look at every changed image (git diff) before committing.
golden: $(STAMP)
	SMARTKEY_GOLDEN=update $(BIN)/pytest -p no:xdist tests/sim/test_golden.py
	git status --short tests/golden
