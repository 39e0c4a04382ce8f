# slant: a plain Makefile.  Each configuration builds in its own folder:
#   make               release build; bin/slant and lib/libslant.{a,so}
#   make BLAS=ref      the same code on plain-C loops instead of OpenBLAS (build/ref)
#   make test          unit tests (cmocka) and command-line tests
#   make demo          cross-validate, train and label the bundled demo corpus
#   make install       PREFIX=/usr/local DESTDIR=
# Debian packages: see the README's first command.

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
CPPFLAGS += -D_DEFAULT_SOURCE -Iinclude -Icommon -Ifeatures -Imodels -Itrain -Iinfer
LDLIBS = -lsvm -lutf8proc -lxxhash -ljansson -lm -pthread

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

LIB_SRCS := $(sort $(wildcard common/*.c features/*.c models/*.c train/*.c infer/*.c))
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

demo: all
	@echo "== 5-fold cross-validation of data/demo/corpus.tsv"
	$(B)/bin/slant cv data/demo/corpus.tsv -k 5
	@echo "== training build/demo.slant"
	@mkdir -p build
	$(B)/bin/slant train data/demo/corpus.tsv -o build/demo.slant
	@echo "== labeling data/demo/new/"
	$(B)/bin/slant label -m build/demo.slant data/demo/new/*.txt

# Benchmarks (not part of test): OpenBLAS against the plain-C kernels, and
# the throughput of each labeling stage on a generated corpus.
$(B)/bench/kernels: bench/kernels.c $(B)/lib/libslant.a
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

clean:
	rm -rf build bin

.PHONY: all test check demo bench bench-peers install clean checksymbols
-include $(LIB_OBJS:.o=.d) $(CLI_OBJS:.o=.d)
