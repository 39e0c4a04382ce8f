# slant: a plain Makefile.  Each configuration builds in its own folder:
#   make               release build; bin/slant and lib/libslant.{a,so}
#   make BLAS=ref      the same code on plain-C loops instead of OpenBLAS (build/ref)
#   make test          unit tests (cmocka) and command-line tests
#   make demo          cross-validate, train and label the bundled demo corpus
#   make report-demo   the demo model's HTML report, and its screenshot docs/report.png
#   make install       PREFIX=/usr/local DESTDIR=
# Debian packages: see the README's first command.

SHELL := /bin/bash
PREFIX ?= /usr/local
DESTDIR ?=
BLAS ?= openblas
CC ?= cc

WARN = -Wall -Wextra -Wshadow -Wstrict-prototypes
ifdef WERROR
WARN += -Werror
endif
CFLAGS ?= -O2 -g
CFLAGS += -std=c11 $(WARN) -fPIC -fvisibility=hidden -MMD -MP -pthread
# Web pages and archives: libxml2's HTML parser and zlib (libxml2-dev,
# zlib1g-dev).
WEB_CFLAGS := $(shell pkg-config --cflags libxml-2.0 zlib 2>/dev/null || echo -I/usr/include/libxml2)
WEB_LIBS := $(shell pkg-config --libs libxml-2.0 zlib 2>/dev/null || echo -lxml2 -lz)
CPPFLAGS += -D_DEFAULT_SOURCE -Iinclude -Icommon -Ifeatures -Imodels -Itrain -Iinfer -Ireport $(WEB_CFLAGS)
LDLIBS = -lsvm -lutf8proc -lxxhash -ljansson $(WEB_LIBS) -lm -pthread

ifeq ($(BLAS),ref)
B := build/ref
CPPFLAGS += -DSLANT_BLAS_REF
else ifeq ($(BLAS),openblas)
B := build/release
# OpenBLAS's serial build where Debian's libopenblas-serial-dev is there:
# slant runs it on one thread anyway, and the threaded build's idle
# workers spin on every core for the first tenth of a second of each run.
OPENBLAS_SERIAL := $(firstword $(wildcard /usr/lib/*/openblas-serial/pkgconfig/openblas.pc))
ifneq ($(OPENBLAS_SERIAL),)
OPENBLAS_PC := PKG_CONFIG_PATH=$(dir $(OPENBLAS_SERIAL)) pkg-config
OPENBLAS_RPATH := -Wl,-rpath,$(shell $(OPENBLAS_PC) --variable=libdir openblas)
else
OPENBLAS_PC := pkg-config
endif
OPENBLAS_CFLAGS := $(shell $(OPENBLAS_PC) --cflags openblas 2>/dev/null)
OPENBLAS_LIBS := $(OPENBLAS_RPATH) $(shell $(OPENBLAS_PC) --libs openblas 2>/dev/null || echo -lopenblas)
CPPFLAGS += $(OPENBLAS_CFLAGS)
LDLIBS += $(OPENBLAS_LIBS)
else
$(error BLAS must be openblas or ref)
endif

# Sanitizer builds, each in its own folder: SAN=address (with leak
# checking) or SAN=undefined; any finding stops the program.  They use
# clang where it is installed: its undefined-behaviour checks go further
# than gcc's (a zero offset added to a NULL pointer, for one).
ifneq ($(SAN),)
SAN_CC := $(shell command -v clang >/dev/null 2>&1 && echo clang)
ifneq ($(SAN_CC),)
CC := $(SAN_CC)
endif
endif
ifeq ($(SAN),address)
B := build/asan
CFLAGS += -fsanitize=address -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS += -fsanitize=address
else ifeq ($(SAN),undefined)
B := build/ubsan
CFLAGS += -fsanitize=undefined -fno-sanitize-recover=all
LDFLAGS += -fsanitize=undefined
else ifneq ($(SAN),)
$(error SAN must be address or undefined)
endif

LIB_SRCS := $(sort $(wildcard common/*.c features/*.c models/*.c train/*.c infer/*.c report/*.c))
CLI_SRCS := $(sort $(wildcard cli/*.c))
TEST_SRCS := $(sort $(wildcard tests/unit/test_*.c))
LIB_OBJS := $(LIB_SRCS:%.c=$(B)/%.o)
CLI_OBJS := $(CLI_SRCS:%.c=$(B)/%.o)
TESTS := $(TEST_SRCS:tests/unit/%.c=$(B)/tests/%)

# bin/slant is the release build's: other configurations leave it alone.
ifeq ($(B),build/release)
all: $(B)/bin/slant $(B)/lib/libslant.so bin/slant
else
all: $(B)/bin/slant $(B)/lib/libslant.so
endif

$(B)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c $< -o $@

$(B)/lib/libslant.a: $(LIB_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

$(B)/lib/libslant.so: $(LIB_OBJS)
	@mkdir -p $(dir $@)
	$(CC) -shared -Wl,-soname,libslant.so.0 $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(B)/bin/slant: $(CLI_OBJS) $(B)/lib/libslant.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $(CLI_OBJS) $(B)/lib/libslant.a $(LDLIBS)

# The program's conventional place; the release build only.
bin/slant: $(B)/bin/slant
	@mkdir -p bin
	cp $< $@

$(B)/tests/%: tests/unit/%.c $(B)/lib/libslant.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ $< $(B)/lib/libslant.a -lcmocka $(LDLIBS)

# Every symbol the library exports must carry the slant_ prefix.
checksymbols: $(B)/lib/libslant.a $(B)/lib/libslant.so
	@bad=$$( { nm -g --defined-only $(B)/lib/libslant.a; nm -D --defined-only $(B)/lib/libslant.so; } \
	  | awk 'NF==3 {print $$3}' | grep -v '^slant_' | grep -v '^_' | sort -u); \
	if [ -n "$$bad" ]; then echo "exported symbols without the slant_ prefix:"; echo "$$bad"; exit 1; fi; \
	echo "checksymbols: every exported symbol starts with slant_"

test check: all $(TESTS) checksymbols $(B)/bench/kernels
	@$(MAKE) --no-print-directory BLAS=ref all >/dev/null
	tests/run-unit $(TESTS)
	tests/cli/run $(B)/bin/slant build/ref/bin/slant
	tests/install/run
	tests/accuracy/run $(B)/bin/slant
	$(MAKE) --no-print-directory python-test

# The whole test suite on sanitizer builds, and the command-line tests
# under valgrind's memcheck; each fails on any finding.
asan:
	$(MAKE) --no-print-directory SAN=address run-tests
ubsan:
	$(MAKE) --no-print-directory SAN=undefined run-tests
run-tests: all $(TESTS)
	tests/run-unit $(TESTS)
	tests/cli/run $(B)/bin/slant
	tests/accuracy/run $(B)/bin/slant
valgrind: all
	tests/valgrind/run $(B)/bin/slant

# libFuzzer harnesses (clang, Debian's libclang-rt-14-dev) for the corpus
# readers, web pages and WARC files, the tokenizer and features, the model
# loader and the HTML report
# (its markup the report's alone, whatever the corpus holds), on a build of
# the library with address and undefined-behaviour checks; each runs
# FUZZ_SECONDS from the seeds in tests/fuzz/seeds and the models made here.
FUZZ_CC ?= clang
FUZZ_SECONDS ?= 60
FUZZ_FLAGS = -O1 -g -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all \
  -DFUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
FUZZ_OBJS := $(LIB_SRCS:%.c=build/fuzz/%.o)
FUZZERS := build/fuzz/fuzz_corpus build/fuzz/fuzz_features build/fuzz/fuzz_model build/fuzz/fuzz_report \
  build/fuzz/fuzz_html build/fuzz/fuzz_warc
.SECONDARY: $(FUZZ_OBJS)
build/fuzz/%.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(CPPFLAGS) $(FUZZ_FLAGS) -std=c11 -pthread -MMD -MP -c $< -o $@
build/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_OBJS)
	$(FUZZ_CC) $(CPPFLAGS) $(FUZZ_FLAGS) -fsanitize=fuzzer -std=c11 -o $@ $< $(FUZZ_OBJS) $(LDLIBS)
build/fuzz/seeds/model: $(B)/bin/slant tests/cli/data/tiny.tsv
	@mkdir -p $@
	$(B)/bin/slant train tests/cli/data/tiny.tsv -o $@/nb.slant --model nb --min-count 1 >/dev/null
	$(B)/bin/slant train tests/cli/data/tiny.tsv -o $@/lr-hashed.slant --hash-bits 8 --char-ngrams 2-3 >/dev/null
	$(B)/bin/slant train tests/cli/data/tiny.tsv -o $@/svm-rbf.slant --model svm --kernel rbf --min-count 1 >/dev/null
	$(B)/bin/slant train tests/cli/data/tiny.tsv -o $@/lr-isotonic.slant --calibrate isotonic --target-precision 0.8 >/dev/null 2>&1
	$(B)/bin/slant train tests/cli/data/tiny.tsv -o $@/nb-sigmoid.slant --model nb --calibrate sigmoid >/dev/null 2>&1
	$(B)/bin/slant train tests/cli/data/tiny.tsv -o $@/nb-counts.slant --model cnb --hash-bits 6 --calibrate none >/dev/null
	$(B)/bin/slant train tests/cli/data/tiny.tsv -o $@/nb-stream.slant --stream --model nb --hash-bits 5 --char-ngrams 2-3 >/dev/null
	$(B)/bin/slant features tests/cli/data/tiny.tsv -o build/fuzz/tiny.svm --min-count 1 >/dev/null
	$(B)/bin/slant train build/fuzz/tiny.svm -o $@/vectors.slant >/dev/null
fuzz: all $(FUZZERS) build/fuzz/seeds/model
	@for f in corpus features model report html warc; do \
	  mkdir -p build/fuzz/work/$$f; \
	  seeds=tests/fuzz/seeds/$$f; [ $$f = model ] && seeds=build/fuzz/seeds/model; [ $$f = report ] && seeds=tests/fuzz/seeds/corpus; \
	  echo "== fuzz_$$f for $(FUZZ_SECONDS) s"; \
	  build/fuzz/fuzz_$$f -max_total_time=$(FUZZ_SECONDS) -max_len=65536 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
	    -artifact_prefix=build/fuzz/fuzz_$$f- build/fuzz/work/$$f $$seeds 2>&1 | \
	    grep -E '^(stat::number_of_executed_units|stat::peak_rss_mb|==|SUMMARY|#[0-9]+ +DONE)' ; \
	  test $${PIPESTATUS[0]} -eq 0 || exit 1; \
	done

demo: all
	@echo "== 5-fold cross-validation of data/demo/corpus.tsv"
	$(B)/bin/slant cv data/demo/corpus.tsv -k 5
	@echo "== training build/demo.slant"
	@mkdir -p build
	$(B)/bin/slant train data/demo/corpus.tsv -o build/demo.slant
	@echo "== scoring it on data/demo/heldout.tsv (12 articles it was not trained on)"
	$(B)/bin/slant eval -m build/demo.slant data/demo/heldout.tsv
	@echo "== labeling data/demo/new/"
	$(B)/bin/slant label -m build/demo.slant data/demo/new/*.txt

# The page of `slant report` for the demo model on the held-out demo
# articles (build/demo-report.html), and the README's screenshot of it,
# docs/report.png, by headless Chromium (CHROMIUM=... to name another).
# SOURCE_DATE_EPOCH fixes the page's date, so the page is the same bytes
# each time.
CHROMIUM ?= chromium
REPORT_DATE ?= 1767225600
report-demo: all
	@mkdir -p build
	$(B)/bin/slant train data/demo/corpus.tsv -o build/demo.slant
	SOURCE_DATE_EPOCH=$(REPORT_DATE) $(B)/bin/slant report -m build/demo.slant \
	  data/demo/heldout.tsv -o build/demo-report.html
	timeout 120 $(CHROMIUM) --headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run \
	  --user-data-dir=$(CURDIR)/build/chrome-profile --window-size=1000,2600 \
	  --screenshot=$(CURDIR)/docs/report.png file://$(CURDIR)/build/demo-report.html
	@echo "wrote build/demo-report.html and docs/report.png"

# Benchmarks (not part of test): OpenBLAS against the plain-C kernels, and
# the throughput of each labeling stage on a generated corpus.
$(B)/bench/kernels: bench/kernels.c $(B)/lib/libslant.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ $< $(B)/lib/libslant.a $(LDLIBS)

# Faithfulness of explanations (bench/explain.py runs it).
$(B)/bench/faithful: bench/faithful.c $(B)/lib/libslant.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ $< $(B)/lib/libslant.a $(LDLIBS)

bench: all $(B)/bench/kernels
	@echo "== dense kernels: OpenBLAS against plain C"
	$(B)/bench/kernels
	@echo "== labeling stages on a generated corpus"
	$(B)/bin/slant bench

# slant against fastText, LIBLINEAR and scikit-learn on ../shared/data, all
# on the same splits; writes bench/results/DATE-peers.md.  About 25 minutes.
bench-peers: all
	/usr/bin/python3 bench/peers.py $(PEERS_ARGS)

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib $(DESTDIR)$(PREFIX)/include \
	  $(DESTDIR)$(PREFIX)/lib/pkgconfig $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 $(B)/bin/slant $(DESTDIR)$(PREFIX)/bin/slant
	install -m 644 $(B)/lib/libslant.a $(DESTDIR)$(PREFIX)/lib/libslant.a
	install -m 755 $(B)/lib/libslant.so $(DESTDIR)$(PREFIX)/lib/libslant.so.0
	ln -sf libslant.so.0 $(DESTDIR)$(PREFIX)/lib/libslant.so
	install -m 644 include/slant.h $(DESTDIR)$(PREFIX)/include/slant.h
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@VERSION@|$(shell sed -n 's/^#define SLANT_VERSION "\(.*\)"/\1/p' include/slant.h)|g' \
	  docs/slant.pc.in > $(DESTDIR)$(PREFIX)/lib/pkgconfig/slant.pc
	install -m 644 docs/slant.1 $(DESTDIR)$(PREFIX)/share/man/man1/slant.1

# The libraries python/setup.py links the module's libslant.a with:
# LDLIBS without the rpath to OpenBLAS's serial build, so that the module
# takes the system's libopenblas.so.0 as numpy does (two builds of one
# soname in a process break numpy's import; slant runs OpenBLAS on one
# thread either way).
print-ldlibs:
	@echo $(filter-out $(OPENBLAS_RPATH),$(LDLIBS))

# The Python module (python/): built against this tree's libslant.a,
# installed into a throwaway virtual environment that sees Debian's numpy,
# pytest and pandas, and tested there.  Skipped, saying why, without
# python3-dev, python3-venv or pytest.
PYTHON ?= $(firstword $(wildcard /usr/bin/python3) python3)
python-test: $(B)/lib/libslant.a bin/slant
	@if ! $(PYTHON) -c 'import sysconfig, os, sys; sys.exit(not os.path.exists(os.path.join(sysconfig.get_paths()["include"], "Python.h")))' 2>/dev/null; then \
	  echo "python-test: skipped: no Python.h for $(PYTHON) (apt-get install python3-dev)"; exit 0; fi; \
	if ! $(PYTHON) -c 'import pytest, numpy, venv, setuptools' 2>/dev/null; then \
	  echo "python-test: skipped: $(PYTHON) lacks pytest, numpy, venv or setuptools" \
	    "(apt-get install python3-pytest python3-numpy python3-venv python3-setuptools)"; exit 0; fi; \
	venv=$$(mktemp -d) && trap 'rm -rf "$$venv"' EXIT && \
	rm -rf python/build python/*.egg-info && \
	$(PYTHON) -m venv --system-site-packages "$$venv" && \
	"$$venv/bin/python" -m pip install -q --no-build-isolation --no-index ./python && \
	rm -rf python/build python/*.egg-info && \
	SLANT=$(CURDIR)/bin/slant "$$venv/bin/python" -m pytest -q -p no:cacheprovider python/tests

clean:
	rm -rf build bin python/build python/*.egg-info

.PHONY: all test check demo report-demo bench bench-peers install clean checksymbols asan ubsan run-tests valgrind fuzz \
  print-ldlibs python-test
-include $(LIB_OBJS:.o=.d) $(CLI_OBJS:.o=.d) $(FUZZ_OBJS:.o=.d)
