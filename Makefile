# rlm: recurrent-network language models in C.
#   make          library (build/librlm.a, build/librlm.so) and the command (build/rlm)
#   make test     unit, command-line and fuzz-regression tests, then the unit tests again under
#                 AddressSanitizer + UndefinedBehaviorSanitizer
#   make demo     the main job on the King James Bible (installs what it needs)
#   make bench    benchmarks; tables go to bench/results/*.tsv
#   make fuzz     run each fuzz target with libFuzzer for FUZZ_SECONDS
#   make install  PREFIX=/usr/local: library, headers, rlm, pkg-config file rlm.pc

B        ?= build
CC       ?= gcc
PREFIX   ?= /usr/local
VERSION  := 0.1.0
OPT      ?= -O3 -march=native
WARN     := -Wall -Wextra -Wshadow -Wno-unused-parameter
INCLUDES := -Ilm -Iplugin -Idecoder-glue
CFLAGS_BASE := -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -g -fPIC -fvisibility=hidden \
               $(WARN) $(INCLUDES)
CFLAGS   ?= $(OPT)
# decoder-glue/*.cc: the extern "C" OpenFst wrapper, the one C++ file; its template
# instantiations stay hidden like everything not marked RLM_API.
CXX      ?= g++
CXXFLAGS_BASE := -std=c++17 -g -fPIC -fvisibility=hidden -fvisibility-inlines-hidden $(WARN) $(INCLUDES)
LIBS     := -lopenblas -lyaml -lz -llzma -lfst -lstdc++ -lpthread -lm
SAN      := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
FUZZ_SECONDS ?= 20

LIB_SRC  := $(sort $(wildcard lm/*.c plugin/*.c decoder-glue/*.c))
LIB_CXX_SRC := $(sort $(wildcard decoder-glue/*.cc))
CLI_SRC  := $(sort $(wildcard cli/*.c))
TEST_SRC := $(sort $(wildcard tests/test_*.c))
TEST_HDR := $(wildcard tests/*.h)
FUZZ_SRC := $(sort $(wildcard tests/fuzz/fuzz_*.c))

LIB_OBJ  := $(LIB_SRC:%.c=$(B)/obj/%.o) $(LIB_CXX_SRC:%.cc=$(B)/obj/%.o)
CLI_OBJ  := $(CLI_SRC:%.c=$(B)/obj/%.o)
TESTS    := $(TEST_SRC:tests/%.c=$(B)/tests/%)
SAN_LIB_OBJ := $(LIB_SRC:%.c=$(B)/san/%.o) $(LIB_CXX_SRC:%.cc=$(B)/san/%.o)
SAN_TESTS   := $(TEST_SRC:tests/%.c=$(B)/san/tests/%)
FUZZ_REPLAY := $(FUZZ_SRC:tests/fuzz/%.c=$(B)/san/replay/%)
FUZZ_BIN    := $(FUZZ_SRC:tests/fuzz/%.c=$(B)/fuzz/%)

# The sanitizer objects are shared by all test programs; keep them between runs.
.SECONDARY:

.PHONY: all setup test demo bench fuzz install clean
all: $(B)/librlm.a $(B)/librlm.so $(B)/rlm $(B)/rlm.pc

setup:
	@scripts/setup.sh build

$(B)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_BASE) $(CFLAGS) -MMD -MP -c $< -o $@

$(B)/san/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_BASE) -O1 $(SAN) -MMD -MP -c $< -o $@

$(B)/obj/%.o: %.cc
	@mkdir -p $(dir $@)
	$(CXX) $(CXXFLAGS_BASE) $(CFLAGS) -MMD -MP -c $< -o $@

$(B)/san/%.o: %.cc
	@mkdir -p $(dir $@)
	$(CXX) $(CXXFLAGS_BASE) -O1 $(SAN) -MMD -MP -c $< -o $@

$(B)/librlm.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

# Only symbols marked RLM_API (rlm_ prefix) are exported: -fvisibility=hidden is the default,
# and the version script also hides the libstdc++ template instantiations of the C++ wrapper.
$(B)/librlm.so: $(LIB_OBJ) $(B)/librlm.map
	$(CC) -shared -Wl,-soname,librlm.so.0 -Wl,--version-script=$(B)/librlm.map -o $@.0 \
	  $(LIB_OBJ) $(LIBS)
	ln -sf librlm.so.0 $@

$(B)/librlm.map: Makefile
	@mkdir -p $(dir $@)
	@printf '{ global: rlm_*; local: *; };\n' > $@

$(B)/rlm: $(CLI_OBJ) $(B)/librlm.a
	$(CC) -o $@ $(CLI_OBJ) $(B)/librlm.a $(LIBS)

# The pkg-config file for a prefix: `$(call pc_file,PREFIX) > FILE`. make install writes it again
# for its own PREFIX, which may differ from the one the build was made with.
pc_file = printf 'prefix=%s\nlibdir=$${prefix}/lib\nincludedir=$${prefix}/include\n\nName: rlm\nDescription: recurrent-network language models for ASR and MT decoders\nVersion: %s\nLibs: -L$${libdir} -lrlm\nLibs.private: %s\nCflags: -I$${includedir}/rlm\n' \
	  '$(1)' '$(VERSION)' '$(LIBS)'

$(B)/rlm.pc: Makefile
	@$(call pc_file,$(PREFIX)) > $@

$(B)/tests/%: tests/%.c $(TEST_HDR) $(B)/librlm.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_BASE) $(CFLAGS) -Itests -o $@ $< $(B)/librlm.a $(LIBS)

$(B)/san/tests/%: tests/%.c $(TEST_HDR) $(SAN_LIB_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_BASE) -O1 $(SAN) -Itests -o $@ $< $(SAN_LIB_OBJ) $(LIBS)

# Fuzz targets built with a small driver that replays files, so gcc + sanitizers can run them.
$(B)/san/replay/%: tests/fuzz/%.c tests/fuzz/replay_main.c $(SAN_LIB_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_BASE) -O1 $(SAN) -o $@ $< tests/fuzz/replay_main.c $(SAN_LIB_OBJ) $(LIBS)

$(B)/fuzz/%: tests/fuzz/%.c $(LIB_SRC) $(LIB_CXX_SRC:%.cc=$(B)/fuzz/obj/%.o)
	@mkdir -p $(dir $@)
	clang $(CFLAGS_BASE) -O1 -fsanitize=fuzzer,address,undefined -o $@ $< $(LIB_SRC) \
	  $(LIB_CXX_SRC:%.cc=$(B)/fuzz/obj/%.o) $(LIBS)

# The fuzz binaries link with the C driver, which leaves out UBSan's C++ runtime (its vptr and
# function checks).
$(B)/fuzz/obj/%.o: %.cc
	@mkdir -p $(dir $@)
	clang++ $(CXXFLAGS_BASE) -O1 -fsanitize=fuzzer-no-link,address,undefined \
	  -fno-sanitize=vptr,function -c $< -o $@

test: setup all $(TESTS) $(SAN_TESTS) $(FUZZ_REPLAY)
	@B=$(B) tests/run_tests.sh

demo: setup all
	@scripts/setup.sh demo
	@$(MAKE) --no-print-directory $(B)/ps_nbest
	@scripts/demo.sh

bench: setup all $(B)/bench/sgemm_gflops
	@scripts/setup.sh bench
	@bench/run_all.sh

fuzz: setup $(FUZZ_BIN)
	@for f in $(FUZZ_BIN); do n=$$(basename $$f); mkdir -p $(B)/fuzz/corpus/$$n; \
	  echo "fuzzing $$n for $(FUZZ_SECONDS)s"; \
	  $$f -max_total_time=$(FUZZ_SECONDS) $(B)/fuzz/corpus/$$n tests/data/malformed/$${n#fuzz_} || exit 1; done

install: all
	install -d $(DESTDIR)$(PREFIX)/lib/pkgconfig $(DESTDIR)$(PREFIX)/include/rlm $(DESTDIR)$(PREFIX)/bin
	install -m 644 $(B)/librlm.a $(DESTDIR)$(PREFIX)/lib/
	install -m 755 $(B)/librlm.so.0 $(DESTDIR)$(PREFIX)/lib/librlm.so.0
	ln -sf librlm.so.0 $(DESTDIR)$(PREFIX)/lib/librlm.so
	install -m 644 lm/rlm*.h plugin/rlm*.h decoder-glue/rlm*.h $(DESTDIR)$(PREFIX)/include/rlm/
	install -m 755 $(B)/rlm $(DESTDIR)$(PREFIX)/bin/
	$(call pc_file,$(PREFIX)) > $(DESTDIR)$(PREFIX)/lib/pkgconfig/rlm.pc

clean:
	rm -rf build

-include $(shell find $(B) -name '*.d' 2>/dev/null)

# ps_nbest decodes WAV files with pocketsphinx into n-best lists for the ASR demo
# (scripts/asr_decode.sh). A tool, not part of librlm: decoder-glue/tools/ is outside LIB_SRC's
# wildcard, and only the demo and its test build it (they need libpocketsphinx-dev). The
# pocketsphinx headers are included as system headers so their own warnings stay out of ours.
PS_TOOL_SRC := $(sort $(wildcard decoder-glue/tools/*.c))
$(B)/ps_nbest: $(PS_TOOL_SRC) $(wildcard decoder-glue/tools/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_BASE) $(CFLAGS) $(patsubst -I%,-isystem %,$(shell pkg-config --cflags pocketsphinx sphinxbase)) \
	  -o $@ $(PS_TOOL_SRC) $(shell pkg-config --libs pocketsphinx sphinxbase)

$(B)/bench/sgemm_gflops: bench/sgemm_gflops.c
	@mkdir -p $(dir $@)
	$(CC) -O2 -o $@ $< -lopenblas
