# Makefile for the budget engine: build, set-up, tests. Non-recursive except
# where a target must re-read this file after 'deps' has installed packages.
# The two commands a newcomer runs are 'make run' and 'make check' (README.md).

CSTD = -std=c11
WARN = -Wall -Wextra -Wpedantic -Wshadow -Wundef -Wwrite-strings -Wcast-qual -Wpointer-arith \
       -Wredundant-decls -Wmissing-prototypes -Wmissing-declarations -Wstrict-prototypes \
       -Wold-style-definition -Wformat=2 -Wvla -Wconversion -Wsign-conversion
OPT = -O2 -g
BUILD = build

# Each build configuration has its own directory, so that no object is shared between two
# configurations: 'make' and 'make run' build in build/; 'make check' builds with warnings as
# errors in build/check, with clang's sanitizers in build/san and with TSan in build/tsan.
# WERROR=1 turns warnings into errors and builds in build/check.
ifeq ($(WERROR),1)
WARN += -Werror
BUILD = build/check
endif
# SAN=1 builds the same sources with AddressSanitizer and UBSan, apart in build/san.
ifeq ($(SAN),1)
OPT = -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all
BUILD = build/san
endif
# TSAN=1: ThreadSanitizer, in build/tsan, for what runs on threads (batch).
ifeq ($(TSAN),1)
OPT = -O1 -g -fno-omit-frame-pointer -fsanitize=thread
BUILD = build/tsan
endif
# CORE_ONLY=1: the core alone, in build/core, with no Lua header on the include path; its tests
# link libbudgetcore.a, cmocka and utf8proc (the core's one library) only ('make check-core').
ifeq ($(CORE_ONLY),1)
BUILD = build/core
WARN += -Werror
endif
# FUZZ=1: the same with libFuzzer's coverage, in build/fuzz (clang only).
ifeq ($(FUZZ),1)
OPT = -O1 -g -fno-omit-frame-pointer -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all
BUILD = build/fuzz
endif

# Dependencies come from pkg-config. These are '=' (not ':='), so they are
# read when used, after 'make deps' may have installed them.
LUA_PC ?= lua5.4
LPEG_PC ?= lua5.4-lpeg
LUA_CFLAGS = $(shell pkg-config --cflags $(LUA_PC))
LUA_LIBS = $(shell pkg-config --libs $(LUA_PC))
# LPeg is linked statically: the archive Debian's lua-lpeg-dev ships. Its .pc
# names /usr/lib while the archive sits in the multiarch directory, so the
# compiler's own search finds it when the .pc's directory does not hold it.
LPEG_CFLAGS = $(shell pkg-config --cflags $(LPEG_PC))
LPEG_LIBS = $(firstword $(wildcard $(shell pkg-config --variable=libdir $(LPEG_PC))/lib$(LPEG_PC).a) \
                        $(shell $(CC) -print-file-name=lib$(LPEG_PC).a))
# Debian's LPeg archive is not position-independent, so the shared library
# links Debian's shared LPeg instead (same package); the command and the
# static library carry LPeg inside them.
LPEG_SHARED_LIBS = $(shell pkg-config --libs $(LPEG_PC))
# JSON output through cJSON, which keeps object members in the order they are added.
JSON_CFLAGS = $(shell pkg-config --cflags libcjson)
JSON_LIBS = $(shell pkg-config --libs libcjson)
# NFKC, so that full-width input (５％, ２０万, （境）) reads as it is meant (engine/core/nfkc.c).
UTF8PROC_LIBS = $(shell pkg-config --libs libutf8proc)
CMOCKA_CFLAGS = $(shell pkg-config --cflags cmocka)
CMOCKA_LIBS = $(shell pkg-config --libs cmocka)

# V=1 shows every command; by default a line per file.
ifeq ($(V),1)
Q =
say = @:
else
Q = @
say = @printf '  %-6s %s\n'
endif

CFLAGS_ALL = $(CSTD) $(WARN) $(OPT) -pthread -fPIC -MMD -MP -Iengine $(LUA_CFLAGS) $(LPEG_CFLAGS) $(JSON_CFLAGS) $(CFLAGS)
# The core is built with no Lua header on the include path (utf8proc's is the system's).
CFLAGS_CORE = $(CSTD) $(WARN) $(OPT) -pthread -fPIC -MMD -MP -Iengine $(CFLAGS)
LDLIBS_ALL = $(LPEG_LIBS) $(LUA_LIBS) $(JSON_LIBS) $(UTF8PROC_LIBS) -lm -pthread $(LDLIBS)
LDLIBS_SHARED = $(LPEG_SHARED_LIBS) $(LUA_LIBS) $(JSON_LIBS) $(UTF8PROC_LIBS) -lm -pthread $(LDLIBS)

# The library, layer by layer (ARCHITECTURE.md): the core, the host of Lua states, the binding,
# the C API. Everything but the command's main.
CORE_SRC = $(sort $(wildcard engine/core/*.c))
LIB_SRC = $(CORE_SRC) $(sort $(wildcard engine/host/*.c engine/bind/*.c)) engine/api.c
CORE_OBJ = $(CORE_SRC:engine/%.c=$(BUILD)/obj/%.o)
LIB_OBJ = $(LIB_SRC:engine/%.c=$(BUILD)/obj/%.o) $(BUILD)/obj/luasrc.o
# The engine's own Lua modules, compiled in as text (engine/bind/luasrc.h).
LUA_MODULES = $(sort $(wildcard engine/lua/*.lua engine/lua/*/*.lua))
MAIN_OBJ = $(BUILD)/obj/main.o

# Tests are found by their names: tests/core/test_*.c test the core alone, tests/host/test_*.c
# the host, tests/test_*.c the C API and the command; tests/lua/test_*.lua run Lua against the
# command (a test per domain module among them).
CORE_TESTS = $(sort $(patsubst tests/core/%.c,%,$(wildcard tests/core/test_*.c)))
C_TESTS = $(CORE_TESTS) $(sort $(patsubst tests/host/%.c,%,$(wildcard tests/host/test_*.c)) \
                               $(patsubst tests/%.c,%,$(wildcard tests/test_*.c)))
LUA_TESTS = $(sort $(patsubst tests/lua/%.lua,%,$(wildcard tests/lua/test_*.lua)))
# The HTML reports in headless Chromium (tests/browser), once, against the gcc build.
BROWSER_TESTS = test_browser
TEST_NAMES = $(C_TESTS) $(LUA_TESTS) $(BROWSER_TESTS)
TEST_BINS = $(C_TESTS:%=$(BUILD)/tests/%)

VERSION = 0.1.0
SONAME = libbudget.so.0
REALNAME = libbudget.so.$(VERSION)
PREFIX ?= /usr/local
comma = ,
space = $(subst ,, )

# Debian packages the build and a run need ('make deps' installs the missing ones; 'make run'
# installs these alone); poppler-utils is the importer's: pdftotext reads a PDF
# (engine/lua/import/pdf.lua). What only the tests need is CHECK_PACKAGES, below.
DEB_PACKAGES = make pkg-config liblua5.4-dev lua5.4 lua-lpeg-dev libcjson-dev libutf8proc-dev poppler-utils

.PHONY: all deps deps-bench deps-check bench run check check-core check-deps core-tests core-isolated san tests clean fuzz fuzz-build install screenshots
.SECONDARY:
.DEFAULT_GOAL := all

all: $(BUILD)/budget $(BUILD)/libbudget.a $(BUILD)/libbudget.so $(BUILD)/lua/budget.so $(BUILD)/budget.pc

$(BUILD)/obj/%.o: engine/%.c
	@mkdir -p $(@D)
	$(say) CC $@
	$(Q)$(CC) $(CFLAGS_ALL) -c $< -o $@

$(BUILD)/obj/core/%.o: engine/core/%.c
	@mkdir -p $(@D)
	$(say) CC $@
	$(Q)$(CC) $(CFLAGS_CORE) -c $< -o $@

# build/gen/luasrc.c: each engine/lua/NAME.lua (and engine/lua/DIR/NAME.lua, module 'budget.DIR.NAME') compiled by luac (with its line numbers) as a
# byte array, module 'budget.NAME': loading bytecode takes a ninth of the time compiling does,
# and that was a third of a scenario run's time.
$(BUILD)/gen/luasrc.c: $(LUA_MODULES) Makefile
	@mkdir -p $(@D)
	$(say) GEN $@
	$(Q){ echo '/* Generated from engine/lua/NAME.lua by the Makefile; do not edit. */'; \
	  echo '#include "bind/luasrc.h"'; \
	  i=0; for f in $(LUA_MODULES); do \
	    luac5.4 -o $@.luac $$f || exit 1; \
	    echo "static const unsigned char src$$i[] = {"; \
	    od -An -v -tx1 $@.luac | sed 's/ *\([0-9a-f][0-9a-f]\)/0x\1,/g'; \
	    echo '0};'; i=$$((i + 1)); \
	  done; \
	  echo 'const lua_source lua_sources[] = {'; \
	  i=0; for f in $(LUA_MODULES); do \
	    n=$$(echo $${f#engine/lua/} | sed 's|\.lua$$||; s|\(.\)/init$$|\1|; s|/|.|g'); \
	    echo "  {\"budget.$$n\", \"$$f\", (const char *)src$$i, sizeof src$$i - 1},"; i=$$((i + 1)); \
	  done; \
	  echo '  {0, 0, 0, 0}};'; } > $@.tmp && mv $@.tmp $@; rm -f $@.luac

$(BUILD)/obj/luasrc.o: $(BUILD)/gen/luasrc.c
	$(say) CC $@
	$(Q)$(CC) $(CFLAGS_ALL) -c $< -o $@

$(BUILD)/libbudget.a: $(LIB_OBJ)
	$(say) AR $@
	$(Q)rm -f $@
	$(Q)$(AR) rcs $@ $^

# The shared library: libbudget.so.0.1.0, soname libbudget.so.0, exporting budget.h's API only.
$(BUILD)/$(REALNAME): $(LIB_OBJ) engine/libbudget.map
	$(say) LD $@
	$(Q)$(CC) $(OPT) -shared -Wl,-soname,$(SONAME) -Wl,--version-script=engine/libbudget.map -Wl,--no-undefined \
	  -o $@ $(LIB_OBJ) $(LDLIBS_SHARED) $(LDFLAGS)

$(BUILD)/libbudget.so: $(BUILD)/$(REALNAME)
	$(Q)ln -sf $(REALNAME) $(BUILD)/$(SONAME)
	$(Q)ln -sf $(SONAME) $@

# The Lua module: require "budget" from a stock lua5.4, which provides Lua's own symbols.
$(BUILD)/lua/budget.so: $(LIB_OBJ) engine/budget-lua.map
	@mkdir -p $(@D)
	$(say) LD $@
	$(Q)$(CC) $(OPT) -shared -Wl,--version-script=engine/budget-lua.map -o $@ $(LIB_OBJ) \
	  $(LPEG_SHARED_LIBS) $(JSON_LIBS) $(UTF8PROC_LIBS) -lm -pthread $(LDFLAGS)

# pkg-config's description of the installed library.
$(BUILD)/budget.pc: Makefile
	@mkdir -p $(@D)
	$(say) GEN $@
	$(Q)printf '%s\n' 'prefix=$(PREFIX)' 'libdir=$${prefix}/lib' 'includedir=$${prefix}/include' '' \
	  'Name: budget' 'Description: Lua-scriptable budget modeling engine' 'Version: $(VERSION)' \
	  'Libs: -L$${libdir} -lbudget' 'Libs.private: $(LPEG_LIBS) $(LUA_LIBS) $(JSON_LIBS) $(UTF8PROC_LIBS) -lm -pthread' \
	  'Cflags: -I$${includedir}' > $@

$(BUILD)/budget: $(MAIN_OBJ) $(BUILD)/libbudget.a
	$(say) LD $@
	$(Q)$(CC) $(OPT) -o $@ $^ $(LDLIBS_ALL) $(LDFLAGS)

# A test's executable is $(BUILD)/tests/NAME wherever its source sits under tests/.
$(BUILD)/tests/%.o: tests/%.c
	@mkdir -p $(@D)
	$(say) CC $@
	$(Q)$(CC) $(CFLAGS_ALL) $(CMOCKA_CFLAGS) -Itests -c $< -o $@

$(BUILD)/tests/%.o: tests/host/%.c
	@mkdir -p $(@D)
	$(say) CC $@
	$(Q)$(CC) $(CFLAGS_ALL) $(CMOCKA_CFLAGS) -Itests -c $< -o $@

$(BUILD)/tests/%.o: tests/core/%.c
	@mkdir -p $(@D)
	$(say) CC $@
	$(Q)$(CC) $(CFLAGS_CORE) $(CMOCKA_CFLAGS) -Itests -c $< -o $@

# The core alone is a static library of its own, libbudgetcore.a.
$(BUILD)/libbudgetcore.a: $(CORE_OBJ)
	$(say) AR $@
	$(Q)rm -f $@
	$(Q)$(AR) rcs $@ $^

ifeq ($(CORE_ONLY),1)
$(BUILD)/tests/%: $(BUILD)/tests/%.o $(BUILD)/libbudgetcore.a
	$(say) LD $@
	$(Q)$(CC) $(OPT) -o $@ $^ $(CMOCKA_LIBS) $(UTF8PROC_LIBS) -lm -pthread $(LDFLAGS)
else
$(BUILD)/tests/%: $(BUILD)/tests/%.o $(BUILD)/libbudget.a
	$(say) LD $@
	$(Q)$(CC) $(OPT) -o $@ $^ $(CMOCKA_LIBS) $(LDLIBS_ALL) $(LDFLAGS)
endif

core-tests: $(CORE_TESTS:%=$(BUILD)/tests/%)

# Builds the unit tests (and the command the CLI test runs).
tests: $(TEST_BINS) $(BUILD)/budget

# Installs the Debian packages that are missing: with apt-get as root,
# otherwise it prints the one line to run and stops.
deps:
	@missing=""; \
	for p in $(DEB_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then \
	  echo "deps: installing$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null \
	    || { echo "deps: apt-get install failed" >&2; exit 1; }; \
	else \
	  echo "deps: missing Debian packages; as root, run:" >&2; \
	  echo "  apt-get install -y$$missing" >&2; \
	  exit 1; \
	fi

# The peers 'make bench' measures the engine against, and what it measures with.
BENCH_PACKAGES = hledger ledger beancount python3-pandas hyperfine time

deps-bench:
	@$(MAKE) --no-print-directory deps DEB_PACKAGES="$(DEB_PACKAGES) $(BENCH_PACKAGES)"

# What 'make check' needs beyond the build: cmocka for the C tests, clang and its sanitizer and
# libFuzzer runtimes, valgrind (make memcheck), Debian's Chromium and its driver, Python's
# Selenium and Pillow to drive it and read its screenshots, a CJK font for the pages, GNU
# parallel for the sharding example (tests/lua/test_shards.lua).
CHECK_PACKAGES = libcmocka-dev clang libclang-rt-dev valgrind \
                 chromium chromium-driver python3-selenium python3-pil fonts-wqy-microhei time parallel

deps-check:
	@$(MAKE) --no-print-directory deps DEB_PACKAGES="$(DEB_PACKAGES) $(CHECK_PACKAGES)"

$(BUILD)/bench/gen: bench/gen.c
	@mkdir -p $(@D)
	$(say) CC $@
	$(Q)$(CC) -O2 -std=c11 -Wall -Wextra -o $@ $<

# The engine against ledger, hledger, beancount and pandas at 1,000 to 1,000,000 accounts
# (bench/run.lua; BENCH_SIZES, BENCH_REPS choose). Figures: bench/RESULTS.md. The importer's
# figures are apart, in 'make bench-import'.
bench: deps-bench
	@$(MAKE) --no-print-directory all $(BUILD)/bench/gen
	@BUILD=$(BUILD) lua5.4 bench/run.lua

# What explaining a scenario costs (bench/explain.lua): 'budget run' with and without --explain on
# a generated model of BENCH_LEAVES (100,000) leaves and three whole-set cuts; BEFORE=path/to/budget
# measures another commit's command beside this one. Prints figures, never fails on a time.
.PHONY: bench-explain
bench-explain: deps
	@$(MAKE) --no-print-directory all $(BUILD)/bench/gen
	@BUILD=$(BUILD) lua5.4 bench/explain.lua

# 'budget import' (bench/import.lua): every PDF of BUDGET_DOCS (../shared/data/docs) whole process
# with its pages, against the target of a 30-page PDF under 0.5 s; the time against a document's
# rows at 1, 2, 4, 8 and 16 times them (bench/import-scaling.lua gen distinct); the read and find-tables stages
# on 1, 10 and 100 copies. Prints figures, never fails on a time (BENCH_IMPORT_REPS: runs a figure).
BUDGET_DOCS ?= ../shared/data/docs
.PHONY: bench-import
bench-import: deps
	@$(MAKE) --no-print-directory all
	@BUILD=$(BUILD) BUDGET_DOCS=$(BUDGET_DOCS) LUA_CPATH='$(BUILD)/lua/?.so' lua5.4 bench/import.lua

# Whether 'budget import' grows in proportion to its document (bench/import-scaling.lua): the SAST
# text (models/) and a 普陀区 layout text of BUDGET_DOCS made 1, 2, 4 and 8 times as large (each coded
# row printed K times; each 项 row 16·K times with other figures; K-1 new 项 under each 项's 款; the
# same with misprinted sums; each header printed 100·K times), each imported whole process (median
# of 3): rows, bytes, seconds, µs a row, the time against 1×, and whether 8× takes at most 10× of 1×.
# Prints figures, never fails on a time (BENCH_SCALING_DOCS, _MODES, _SCALES, _REPS, _TIMEOUT choose).
.PHONY: bench-import-scaling
bench-import-scaling: deps
	@$(MAKE) --no-print-directory all
	@BUILD=$(BUILD) BUDGET_DOCS=$(BUDGET_DOCS) LUA_CPATH='$(BUILD)/lua/?.so' lua5.4 bench/import-scaling.lua

# Builds, then runs the default scenario: a 5% cut of 科学技术支出 on the SAST model.
# Its report shows a rule it breaks on purpose, so its exit status 1 is expected here.
run: deps
	@$(MAKE) --no-print-directory all
	@$(BUILD)/budget run scripts/cut-science-5pct.lua --model models/sast-2021.lua; \
	  status=$$?; [ $$status -eq 0 ] || [ $$status -eq 1 ]

# Every test, twice: built with gcc, then with clang under ASan and UBSan; then the tests that
# run threads once more under ThreadSanitizer; then the core alone with no Lua, the layering
# check and the fuzz targets briefly. Warnings are errors. The runner's summary line counts
# every test of it.
THREAD_TESTS = test_batch test_threads test_bulk
# test_embed installs the gcc build and builds against it, and the browser test reads the
# pages it writes: once is enough.
SAN_TESTS = $(filter-out test_embed $(BROWSER_TESTS),$(TEST_NAMES))
check: deps-check
	@$(MAKE) --no-print-directory check-deps
	@$(MAKE) --no-print-directory CORE_ONLY=1 core-tests
	@$(MAKE) --no-print-directory core-isolated
	@$(MAKE) --no-print-directory WERROR=1 tests all
	@$(MAKE) --no-print-directory WERROR=1 SAN=1 CC=clang tests
	@$(MAKE) --no-print-directory WERROR=1 TSAN=1 CC=clang build/tsan/budget build/tsan/tests/test_threads build/tsan/tests/test_bulk
	@sh tests/run-tests.sh "build/check build/san:$(subst $(space),$(comma),$(SAN_TESTS)) \
	  build/tsan:$(subst $(space),$(comma),$(THREAD_TESTS)) build/core:$(subst $(space),$(comma),$(CORE_TESTS))" \
	  $(TEST_NAMES)
	@$(MAKE) --no-print-directory fuzz-check

# The layers: no cycle among the C files' includes or the Lua modules' requires, and no arrow
# that points up (tests/layers.lua, ARCHITECTURE.md).
check-deps:
	@lua5.4 tests/layers.lua

# The core alone, as a library of its own: built and tested with no Lua header reachable.
check-core: deps-check
	@$(MAKE) --no-print-directory CORE_ONLY=1 core-tests
	@$(MAKE) --no-print-directory core-isolated
	@sh tests/run-tests.sh build/core $(CORE_TESTS)

# Proves the core's include path reaches no Lua header: a file that includes lua.h must not compile.
core-isolated:
	@if echo '#include "lua.h"' | $(CC) $(CFLAGS_CORE) -x c -fsyntax-only - 2>/dev/null; then \
	  echo "check-core: lua.h is reachable from the core's include path" >&2; exit 1; \
	else echo "check-core: no Lua header reachable from engine/core"; fi

# The README's pictures of the reports (docs/img), taken by the browser test.
screenshots: deps-check all
	@BUDGET_BIN=$(BUILD)/budget /usr/bin/python3 tests/browser/test_browser.py docs/img

# Installs the command, the libraries, the header, the pkg-config file and the Lua module under
# PREFIX (default /usr/local; DESTDIR too, for packagers).
LUA_CMOD_DIR = $(PREFIX)/lib/lua/5.4
install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib/pkgconfig $(DESTDIR)$(PREFIX)/include \
	  $(DESTDIR)$(LUA_CMOD_DIR)
	install -m 755 $(BUILD)/budget $(DESTDIR)$(PREFIX)/bin/budget
	install -m 644 $(BUILD)/libbudget.a $(DESTDIR)$(PREFIX)/lib/libbudget.a
	install -m 755 $(BUILD)/$(REALNAME) $(DESTDIR)$(PREFIX)/lib/$(REALNAME)
	ln -sf $(REALNAME) $(DESTDIR)$(PREFIX)/lib/$(SONAME)
	ln -sf $(SONAME) $(DESTDIR)$(PREFIX)/lib/libbudget.so
	install -m 644 engine/budget.h $(DESTDIR)$(PREFIX)/include/budget.h
	sed 's|^prefix=.*|prefix=$(PREFIX)|' $(BUILD)/budget.pc > $(DESTDIR)$(PREFIX)/lib/pkgconfig/budget.pc
	install -m 755 $(BUILD)/lua/budget.so $(DESTDIR)$(LUA_CMOD_DIR)/budget.so

# The sanitizer build alone, with its tests.
san: deps-check
	@$(MAKE) --no-print-directory WERROR=1 SAN=1 CC=clang tests
	@sh tests/run-tests.sh build/san $(TEST_NAMES)

# libFuzzer targets (tests/fuzz/README.md): each runs FUZZ_SECONDS (default 60) in 'make fuzz',
# one after the other, from its seeds; new inputs go to build/fuzz/corpus/NAME and what it
# finds to build/fuzz/findings. 'make fuzz FUZZ_TARGETS=fuzz_money' runs one.
FUZZ_SECONDS ?= 60
FUZZ_TARGETS = fuzz_money fuzz_rate fuzz_ref fuzz_model fuzz_import fuzz_tsv fuzz_layout fuzz_tables fuzz_scenario
FUZZ_SEEDS_money = tests/fuzz/corpus/money
FUZZ_SEEDS_rate = tests/fuzz/corpus/rate
FUZZ_SEEDS_ref = tests/fuzz/corpus/ref
FUZZ_SEEDS_model = tests/fuzz/corpus/model tests/bad/models
FUZZ_SEEDS_import = tests/fuzz/corpus/import tests/import
FUZZ_SEEDS_tsv = tests/fuzz/corpus/tsv
FUZZ_SEEDS_layout = tests/fuzz/corpus/layout tests/import
FUZZ_SEEDS_tables = tests/fuzz/corpus/tables tests/import
FUZZ_SEEDS_scenario = tests/fuzz/corpus/scenario scripts tests/bad/scripts tests/bad/sandbox
FUZZ_DICT_money = tests/fuzz/text.dict
FUZZ_DICT_rate = tests/fuzz/text.dict
FUZZ_DICT_ref = tests/fuzz/text.dict
FUZZ_DICT_model = tests/fuzz/lua.dict
FUZZ_DICT_import = tests/fuzz/import.dict
FUZZ_DICT_tsv = tests/fuzz/tsv.dict
FUZZ_DICT_layout = tests/fuzz/import.dict
FUZZ_DICT_tables = tests/fuzz/import.dict
FUZZ_DICT_scenario = tests/fuzz/lua.dict
# -keep_seed=1: the real documents' seeds stay in the corpus even where they add little C
# coverage (the importer's Lua is counted by tests/fuzz/fuzzlua.h's line hook).
FUZZ_FLAGS = -timeout=10 -rss_limit_mb=4096 -keep_seed=1 -artifact_prefix=build/fuzz/findings/ -print_final_stats=1

$(BUILD)/fuzz_%: tests/fuzz/fuzz_%.c $(BUILD)/libbudget.a
	$(say) LD $@
	$(Q)$(CC) $(CFLAGS_ALL) -fsanitize=fuzzer -o $@ $^ $(LDLIBS_ALL) $(LDFLAGS)

fuzz-build: $(FUZZ_TARGETS:%=$(BUILD)/%)

# One target for FUZZ_SECONDS: build/fuzz/corpus/NAME first, so that what it finds is kept there.
fuzz-run-%:
	@mkdir -p build/fuzz/corpus/$* build/fuzz/findings
	build/fuzz/fuzz_$* -max_total_time=$(FUZZ_SECONDS) $(FUZZ_FLAGS) -dict=$(FUZZ_DICT_$*) \
	  build/fuzz/corpus/$* $(FUZZ_SEEDS_$*)

fuzz: deps-check
	@$(MAKE) --no-print-directory FUZZ=1 CC=clang fuzz-build
	@$(MAKE) --no-print-directory $(FUZZ_TARGETS:fuzz_%=fuzz-run-%)

# 'make check' runs each target briefly: every seed, then FUZZ_CHECK_SECONDS of mutations,
# into a scratch corpus so that the tree stays as it was.
FUZZ_CHECK_SECONDS ?= 3
.PHONY: fuzz-check
fuzz-check: deps-check
	@$(MAKE) --no-print-directory WERROR=1 FUZZ=1 CC=clang fuzz-build
	@$(MAKE) --no-print-directory $(FUZZ_TARGETS:fuzz_%=fuzz-check-%)

fuzz-check-%:
	@rm -rf build/fuzz/check/$* && mkdir -p build/fuzz/check/$* build/fuzz/findings
	@build/fuzz/fuzz_$* -max_total_time=$(FUZZ_CHECK_SECONDS) $(FUZZ_FLAGS) -dict=$(FUZZ_DICT_$*) \
	  build/fuzz/check/$* $(FUZZ_SEEDS_$*) >build/fuzz/check/$*.log 2>&1 \
	  || { tail -n 40 build/fuzz/check/$*.log; echo "fuzz-check: fuzz_$* failed" >&2; exit 1; }
	@echo "fuzz-check: fuzz_$* $$(grep -o 'number_of_executed_units: [0-9]*' build/fuzz/check/$*.log)"

# Valgrind's memcheck over the gcc build's tests (not test_embed, which builds an installed copy):
# every cmocka executable and every run of the command under valgrind, which must find no error
# and no leak. Valgrind is slow, so test_oom tries fewer failure points and test_durable kills
# fewer runs. tests/valgrind.supp holds suppressions for third-party noise only (it says which).
MEMCHECK_TESTS = $(filter-out test_embed $(BROWSER_TESTS),$(TEST_NAMES))
VALGRIND = valgrind --tool=memcheck --leak-check=full --errors-for-leak-kinds=definite,indirect,possible \
  --show-leak-kinds=definite,indirect,possible --error-exitcode=99 --track-fds=no \
  --suppressions=tests/valgrind.supp --log-file=build/memcheck/%p.log
.PHONY: memcheck
memcheck: deps-check
	@$(MAKE) --no-print-directory WERROR=1 tests all
	@rm -rf build/memcheck && mkdir -p build/memcheck
	@BUDGET_WRAP="$(VALGRIND)" BUDGET_OOM_FIRST=3 BUDGET_OOM_STRIDE=3001 BUDGET_KILL_ROUNDS=4 \
	  sh tests/run-tests.sh build/check $(MEMCHECK_TESTS)
	@n=$$(ls build/memcheck | wc -l); bad=$$(grep -l 'ERROR SUMMARY: [1-9]' build/memcheck/*.log | wc -l); \
	  echo "memcheck: $$n processes under valgrind, $$bad with errors"; \
	  if [ "$$bad" -ne 0 ]; then grep -l 'ERROR SUMMARY: [1-9]' build/memcheck/*.log | head -n 5; exit 1; fi

clean:
	rm -rf build

-include $(wildcard $(BUILD)/obj/*.d $(BUILD)/obj/*/*.d $(BUILD)/tests/*.d)
