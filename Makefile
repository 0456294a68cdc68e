# `make demo` and `make test` set everything up from nothing: a virtual environment
# in .venv with the package and the extras they need, then run.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
EXTRAS := dev,plot,bench,browser,data
# Browser tasks drive Debian's Chromium (never a downloaded one); OS tasks run in bubblewrap sandboxes,
# their desktop tier on a virtual X screen.
DEBIAN_PACKAGES := chromium chromium-headless-shell chromium-driver bubblewrap util-linux procps git tar gzip python3 \
	xvfb xdotool x11-utils dbus-daemon at-spi2-core python3-pyatspi python3-gi gir1.2-gtk-3.0 gir1.2-atspi-2.0 \
	matchbox-window-manager mousepad xterm pcmanfm galculator
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: demo test install system clean

system:
	@missing=$$(for p in $(DEBIAN_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "installing Debian packages:" $$missing; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing >/dev/null; \
	fi

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[$(EXTRAS)]"
	touch $(STAMP)

install: system $(STAMP)

demo: install
	$(VENV)/bin/arenax bench demo --out runs/demo

test: install
	$(PY) -m pytest -n 2 --dist loadfile -q

clean:
	rm -rf $(VENV) .pytest_cache
