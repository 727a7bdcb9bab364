#!/bin/sh
# The fuzz harnesses replay their corpus: the seeds and every input that
# once crashed one of them (tests/fuzz/corpus/NAME/crash-*), built here
# without libFuzzer (tests/fuzz/replay.c) and, with SANITIZE=1, under ASan
# and UBSan.  scripts/fuzz runs the same harnesses with libFuzzer.
. "${0%/*}/lib.sh"
plan 8
for h in parse ids vcard rule store restore assign jsonl; do
	n=$(ls "$TESTS/fuzz/corpus/$h" | wc -l)
	# Each file replayed prints one line: a harness that dies (a signal,
	# a sanitizer's report) stops short of n lines or exits non-zero.
	check_out "$h: replays its $n inputs" "$n" \
		"'$CRM_BUILD/fuzz/$h' '$TESTS/fuzz/corpus/$h'/* 2>/dev/null | grep -c '^replayed '"
done
done_testing
