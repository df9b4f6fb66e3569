# Kho văn bản — every command a developer or staff member needs. `make help` lists them.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
export NO_MKDOCS_2_WARNING := 1
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: help venv lock serve serve-nginx build check test test-fast bench system-deps test-tools clean

help:
	@echo "make serve   — dựng và xem trước trang từ kho mẫu tại http://$(HOST):$(PORT)/"
	@echo "make test    — chạy toàn bộ kiểm thử (cài .venv, Chromium của Debian nếu thiếu)"
	@echo "make build   — dựng trang tĩnh vào site/ (--strict)"
	@echo "make serve-nginx — dựng rồi chạy nginx thật (cấu hình deploy/nginx.conf) tại http://$(HOST):$(PORT)/"
	@echo "make check   — kiểm tra phần thông tin văn bản và sổ đường dẫn đã công bố, không dựng trang"
	@echo "make bench   — đo thời gian dựng với kho tổng hợp (benchmarks/)"
	@echo "make lock    — ghim lại phiên bản thư viện (requirements*.lock, có mã băm) sau khi sửa pyproject.toml"

# What staff need (MkDocs, the `vanban` command), without the test tools: `make serve`, `make build`
# and `make check` install only this, exactly the tested versions, each checked against its hash
# (requirements.lock), then the project itself, editable, without resolving anything more.
# `make venv` (developers, `make test`) adds the test tools (requirements-dev.lock).
$(VENV)/.runtime: pyproject.toml requirements.lock
	@python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "Cần Python 3.11 trở lên (python3 --version)."; exit 1; }
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --require-hashes -r requirements.lock
	$(PY) -m pip install -q --no-deps -e .
	touch $@

$(VENV)/.installed: $(VENV)/.runtime requirements-dev.lock
	$(PY) -m pip install -q --require-hashes -r requirements-dev.lock
	$(PY) -m pip install -q --no-deps -e .
	touch $@

venv: $(VENV)/.installed

# Pin pyproject.toml's dependencies again, with hashes, for every platform, after adding or changing
# one (deploy/README.md, "Cập nhật phiên bản thư viện"). Pins already in the files are kept;
# `make lock UPGRADE=--upgrade` moves everything to the newest allowed versions (then run make test).
# requirements.lock is what the deploy workflows install; requirements-dev.lock adds the test tools.
UPGRADE ?=
LOCK := $(VENV)/bin/uv pip compile pyproject.toml --generate-hashes --universal --python-version 3.11 --quiet $(UPGRADE)
lock:
	[ -x $(VENV)/bin/uv ] || { [ -x $(PY) ] || python3 -m venv $(VENV); $(PY) -m pip install -q "uv>=0.4,<1"; }
	$(LOCK) -o requirements.lock
	$(LOCK) --extra test -o requirements-dev.lock

# Browser tests drive Debian's Chromium (never a downloaded browser); nginx serves the site in tests;
# the HTML checker (vnu.jar) runs on Java; vanban import reads scanned documents with Tesseract (Vietnamese
# model) and renders scanned PDF pages with poppler-utils.
system-deps:
	@missing=""; \
	[ -x /usr/bin/chromium ] || missing="$$missing chromium"; \
	command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing="$$missing nginx"; \
	command -v java >/dev/null 2>&1 || missing="$$missing default-jre-headless"; \
	command -v pdftoppm >/dev/null 2>&1 || missing="$$missing poppler-utils"; \
	command -v tesseract >/dev/null 2>&1 || missing="$$missing tesseract-ocr"; \
	[ -f /usr/share/tesseract-ocr/5/tessdata/vie.traineddata ] || ls /usr/share/tesseract-ocr/*/tessdata/vie.traineddata >/dev/null 2>&1 || missing="$$missing tesseract-ocr-vie"; \
	if [ -n "$$missing" ]; then \
	  echo "Cài gói Debian:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing >/dev/null; \
	fi

# Quality-gate tools from the npm registry, pinned by tests/tools/package-lock.json: axe-core (injected
# into Chromium) and vnu-jar (the Nu Html Checker, run with the machine's Java). Install scripts are
# skipped: vnu-jar's would download a Java runtime, and Java is already on the machine.
TOOLS := tests/tools
$(TOOLS)/node_modules/.installed: $(TOOLS)/package.json $(TOOLS)/package-lock.json
	cd $(TOOLS) && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@

test-tools: $(TOOLS)/node_modules/.installed

serve: $(VENV)/.runtime
	@echo "Xem trước: http://$(HOST):$(PORT)/ — Ctrl+C để dừng; cổng khác: make serve PORT=8001"
	$(VENV)/bin/mkdocs serve --dirty -a $(HOST):$(PORT)

build: $(VENV)/.runtime
	$(VENV)/bin/mkdocs build --strict

# The real server: the shipped deploy/nginx.conf over site/, in the foreground, files under .nginx/.
serve-nginx: build system-deps
	@$(VENV)/bin/vanban nginx --site site --listen $(HOST):$(PORT) --standalone .nginx >/dev/null
	@echo "nginx: http://$(HOST):$(PORT)/ (Ctrl+C để dừng)"
	$$(command -v nginx || echo /usr/sbin/nginx) -p $(CURDIR)/.nginx -c $(CURDIR)/.nginx/nginx.conf -e $(CURDIR)/.nginx/error.log

check: $(VENV)/.runtime
	$(VENV)/bin/vanban check
	$(VENV)/bin/vanban links

test: venv system-deps test-tools
	$(PY) -m pytest

test-fast: venv
	$(PY) -m pytest -m "not browser"

bench: venv
	$(PY) benchmarks/bench_build.py

clean:
	rm -rf site .pytest_cache .nginx .cache $(TOOLS)/node_modules
