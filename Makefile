# crm: a customer-management toolkit.  See README.md.
PREFIX ?= /usr/local
DESTDIR ?=
BINDIR = $(PREFIX)/bin
MANDIR = $(PREFIX)/share/man

CC ?= cc
CFLAGS ?= -O2 -g
WARN = -Wall -Wextra -Wpedantic
STD = -std=c99 -D_DEFAULT_SOURCE
SQLITE_CFLAGS != pkg-config --cflags sqlite3 2>/dev/null || true
SQLITE_LIBS != pkg-config --libs sqlite3 2>/dev/null || echo -lsqlite3
LIBS = $(SQLITE_LIBS) -lcsv -lm
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

ALL_CFLAGS = $(STD) $(WARN) $(CFLAGS) $(SAN) $(SQLITE_CFLAGS) -Ilibcrm
ALL_LDFLAGS = $(LDFLAGS) $(SAN)

LIBSRC = $(wildcard libcrm/*.c)
LIBOBJ = $(LIBSRC:libcrm/%.c=$(B)/obj/%.o)
CMDS = crm crm-init crm-config crm-add crm-ls crm-show crm-set crm-rm crm-tag \
	crm-dedupe crm-tier crm-churn crm-clv crm-backup crm-export crm-points \
	crm-basket crm-due crm-report
BINS = $(CMDS:%=$(B)/bin/%)
TESTBINS = $(B)/bin/crm-unit
MAN1 = $(CMDS:%=man/%.1)
MAN7 = man/crm.7

all: $(BINS) $(TESTBINS)

$(B)/obj/%.o: libcrm/%.c libcrm/crm.h
	@mkdir -p $(B)/obj
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(B)/libcrm.a: $(LIBOBJ)
	rm -f $@
	$(AR) rcs $@ $(LIBOBJ)

$(B)/bin/%: cmd/%.c $(B)/libcrm.a libcrm/crm.h
	@mkdir -p $(B)/bin
	$(CC) $(ALL_CFLAGS) $< -o $@ $(ALL_LDFLAGS) $(B)/libcrm.a $(LIBS)

$(B)/bin/crm-unit: tests/unit.c $(B)/libcrm.a libcrm/crm.h
	@mkdir -p $(B)/bin
	$(CC) $(ALL_CFLAGS) tests/unit.c -o $@ $(ALL_LDFLAGS) $(B)/libcrm.a $(LIBS)

deps:
	scripts/install-deps

# The README's test command.  The last line is "N passed, N failed".
check: deps
	$(MAKE) all
	scripts/run-tests $(B)

demo: deps
	$(MAKE) all
	scripts/demo $(B)

bench: all
	scripts/bench $(B)

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

uninstall:
	for c in $(CMDS); do rm -f $(DESTDIR)$(BINDIR)/$$c; done
	for m in $(MAN1); do rm -f $(DESTDIR)$(MANDIR)/man1/$${m#man/}; done
	rm -f $(DESTDIR)$(MANDIR)/man7/crm.7

clean:
	rm -rf build build-san build-fuzz

.PHONY: all deps check demo bench fuzz mutate lint install uninstall clean
