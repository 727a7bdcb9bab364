# crm: a customer-management toolkit.  See README.md.
PREFIX ?= /usr/local
DESTDIR ?=
BINDIR = $(PREFIX)/bin
MANDIR = $(PREFIX)/share/man
BASHCOMPDIR = $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR = $(PREFIX)/share/zsh/site-functions

CC ?= cc
CFLAGS ?= -O2 -g
WARN = -Wall -Wextra -Wpedantic
STD = -std=c99 -D_DEFAULT_SOURCE
SQLITE_CFLAGS != pkg-config --cflags sqlite3 2>/dev/null || true
SQLITE_LIBS != pkg-config --libs sqlite3 2>/dev/null || echo -lsqlite3
# HMAC-SHA256 of forgotten customers' keys (forget.c): OpenSSL's libcrypto.
CRYPTO_CFLAGS != pkg-config --cflags libcrypto 2>/dev/null || true
CRYPTO_LIBS != pkg-config --libs libcrypto 2>/dev/null || echo -lcrypto
# JSON Lines input (jsonl.c, crm-add -i json): json-c, which keeps each
# number's text, so money is read exactly.
JSONC_CFLAGS != pkg-config --cflags json-c 2>/dev/null || true
JSONC_LIBS != pkg-config --libs json-c 2>/dev/null || echo -ljson-c
# -o xlsx (xlsx.c): libxlsxwriter, which brings zlib.
XLSX_CFLAGS != pkg-config --cflags xlsxwriter 2>/dev/null || true
XLSX_LIBS != pkg-config --libs xlsxwriter 2>/dev/null || echo -lxlsxwriter -lz
LIBS = $(SQLITE_LIBS) $(CRYPTO_LIBS) $(JSONC_LIBS) $(XLSX_LIBS) -lcsv -lm
FUZZ_SECONDS = 60

# make check SANITIZE=1: the same suite under AddressSanitizer and UBSan,
# built in its own folder so the two builds never mix.
ifeq ($(SANITIZE),1)
B = build-san
SAN = -fsanitize=address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=undefined
else
B = build
SAN =
endif

# make FAULT=1: the fault-injection build (build-fault/, or
# build-fault-san/ with SANITIZE=1): tests/fault.c, a SQLite VFS that
# fails the Nth open, write or fsync on demand ($CRM_FAULT), is linked in
# and crm_store_open registers it.  scripts/fault-test runs it.
ifeq ($(FAULT),1)
B := $(patsubst build%,build-fault%,$(B))
FAULTDEF = -DCRM_FAULT
FAULTOBJ = $(B)/obj/fault.o
endif

ALL_CFLAGS = $(STD) $(WARN) $(CFLAGS) $(SAN) $(SQLITE_CFLAGS) $(CRYPTO_CFLAGS) \
	$(JSONC_CFLAGS) $(XLSX_CFLAGS) \
	$(FAULTDEF) -Ilibcrm
ALL_LDFLAGS = $(LDFLAGS) $(SAN)

LIBSRC = $(wildcard libcrm/*.c)
LIBOBJ = $(LIBSRC:libcrm/%.c=$(B)/obj/%.o) $(FAULTOBJ)
CMDS = crm crm-init crm-config crm-add crm-ls crm-show crm-set crm-rm crm-tag \
	crm-dedupe crm-tier crm-churn crm-clv crm-backup crm-export crm-points \
	crm-basket crm-due crm-report
BINS = $(CMDS:%=$(B)/bin/%)
# Fuzz harnesses (tests/fuzz/NAME.c): linked with tests/fuzz/replay.c
# here, which replays files (make check); scripts/fuzz links them with
# libFuzzer.
FUZZ = parse ids vcard rule store restore assign jsonl
TESTBINS = $(B)/bin/crm-unit $(FUZZ:%=$(B)/fuzz/%)
# Shell completion, generated from the commands' --options
# (scripts/gen-completion).
COMPLETION = $(B)/share/bash-completion/completions/crm \
	$(B)/share/zsh/site-functions/_crm
MAN1 = $(CMDS:%=man/%.1)
MAN7 = man/crm.7

all: $(BINS) $(TESTBINS) $(COMPLETION)

$(B)/obj/%.o: libcrm/%.c libcrm/crm.h libcrm/crm-int.h
	@mkdir -p $(B)/obj
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(B)/obj/fault.o: tests/fault.c
	@mkdir -p $(B)/obj
	$(CC) $(ALL_CFLAGS) -c tests/fault.c -o $@

$(B)/libcrm.a: $(LIBOBJ)
	rm -f $@
	$(AR) rcs $@ $(LIBOBJ)

$(B)/bin/%: cmd/%.c $(B)/libcrm.a libcrm/crm.h
	@mkdir -p $(B)/bin
	$(CC) $(ALL_CFLAGS) $< -o $@ $(ALL_LDFLAGS) $(B)/libcrm.a $(LIBS)

$(B)/bin/crm-unit: tests/unit.c $(B)/libcrm.a libcrm/crm-int.h libcrm/crm.h
	@mkdir -p $(B)/bin
	$(CC) $(ALL_CFLAGS) tests/unit.c -o $@ $(ALL_LDFLAGS) $(B)/libcrm.a $(LIBS)

FUZZCOMMON = tests/fuzz/common.c tests/fuzz/replay.c
$(B)/fuzz/%: tests/fuzz/%.c tests/fuzz/fuzz.h $(FUZZCOMMON) $(B)/libcrm.a \
	    libcrm/crm.h libcrm/crm-int.h
	@mkdir -p $(B)/fuzz
	$(CC) $(ALL_CFLAGS) $< $(FUZZCOMMON) -o $@ $(ALL_LDFLAGS) \
	    $(B)/libcrm.a $(LIBS)

# One run writes both files (and bash's links, one per command).
$(COMPLETION) &: scripts/gen-completion $(BINS)
	scripts/gen-completion $(B) $(CMDS)

# The restore harness runs crm-backup's own code.
$(B)/fuzz/restore: cmd/crm-backup.c

deps:
	scripts/install-deps

# The README's test command.  The last line is "N passed, N failed".
check: deps
	$(MAKE) all
	$(MAKE) FAULT=1 fault-bins
	scripts/run-tests $(B)

# Every command replaced by a crash and by a silent exit 0 must make its
# test files fail: see scripts/stubcheck.
stubcheck: all
	scripts/stubcheck $(B)

# With FAULT=1: what tests/fault.t runs (scripts/fault-test).
fault-bins: $(B)/bin/crm-init $(B)/bin/crm-add $(B)/bin/crm-rm

demo: deps
	$(MAKE) all
	scripts/demo $(B)

bench: all
	scripts/bench $(B)

# FUZZ_SECONDS in all, shared equally among the harnesses (scripts/fuzz).
fuzz:
	scripts/fuzz $(FUZZ_SECONDS)

# Each mutation of tests/mutations against the test files mapped to it, in
# a scratch copy of the tree; prints the survivors and fails on any.
mutate: deps
	scripts/mutate

lint:
	mandoc -Tlint -Wwarning $(MAN1) $(MAN7)

install: all
	mkdir -p $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
		$(DESTDIR)$(MANDIR)/man7
	for c in $(CMDS); do install -m 755 $(B)/bin/$$c $(DESTDIR)$(BINDIR)/$$c; done
	for m in $(MAN1); do install -m 644 $$m $(DESTDIR)$(MANDIR)/man1/; done
	install -m 644 $(MAN7) $(DESTDIR)$(MANDIR)/man7/
	mkdir -p $(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR)
	install -m 644 $(B)/share/bash-completion/completions/crm \
		$(DESTDIR)$(BASHCOMPDIR)/crm
	for c in $(CMDS); do [ $$c = crm ] || \
		ln -sf crm $(DESTDIR)$(BASHCOMPDIR)/$$c; done
	install -m 644 $(B)/share/zsh/site-functions/_crm \
		$(DESTDIR)$(ZSHCOMPDIR)/_crm

uninstall:
	for c in $(CMDS); do rm -f $(DESTDIR)$(BINDIR)/$$c; done
	for m in $(MAN1); do rm -f $(DESTDIR)$(MANDIR)/man1/$${m#man/}; done
	rm -f $(DESTDIR)$(MANDIR)/man7/crm.7
	for c in $(CMDS); do rm -f $(DESTDIR)$(BASHCOMPDIR)/$$c; done
	rm -f $(DESTDIR)$(ZSHCOMPDIR)/_crm

clean:
	rm -rf build build-san build-fuzz build-fault build-fault-san

.PHONY: all deps check stubcheck fault-bins demo bench fuzz mutate lint \
	install uninstall clean
