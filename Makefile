# The two commands of the README:
#   make demo   set up (apt packages, .venv) and run the whole routine end to end
#   make test   set up and run every test
VENV ?= .venv
STAMP := $(VENV)/.footstretch-installed

.PHONY: setup demo test bench clean

setup: $(STAMP)

$(STAMP): pyproject.toml scripts/bootstrap.sh
	VENV=$(VENV) scripts/bootstrap.sh
	touch $(STAMP)

demo: setup
	$(VENV)/bin/footstretch demo --out demo-out

test: setup
	$(VENV)/bin/python -m pytest

bench: setup
	$(VENV)/bin/python -m benchmarks

clean:
	rm -rf $(VENV) demo-out .pytest_cache
