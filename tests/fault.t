#!/bin/sh
# Failing I/O: the Nth open, write and fsync of a bulk purchase import
# fail with EIO and with ENOSPC, for every N it reaches (scripts/
# fault-test, on the build of `make FAULT=1`, which make check makes
# beside this one: build -> build-fault, build-san -> build-fault-san).
. "${0%/*}/lib.sh"
fb="${CRM_BUILD%/*}/$(basename "$CRM_BUILD" | sed 's/^build/build-fault/')"
"${TESTS%/*}/scripts/fault-test" -c purchase -s 10 "$fb"
