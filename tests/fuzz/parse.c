/*
 * parse: the parsers that read user input.  The first byte picks the
 * parser: CSV/TSV reader, filter language, dates, money, durations.
 * Built and run by scripts/fuzz; replayed by make check (tests/fuzz.t).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crm-int.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
csv(const uint8_t *d, size_t n, enum crm_infmt fmt)
{
	char path[] = "/tmp/crm-fuzz.XXXXXX", **fv;
	struct crm_csv *c = NULL;
	int fd, nf;
	long line;

	if ((fd = mkstemp(path)) < 0)
		return;
	if (write(fd, d, n) != (ssize_t)n) {
		close(fd);
		unlink(path);
		return;
	}
	close(fd);
	if (crm_csv_open(&c, path, fmt) == CRM_EX_OK)
		while (crm_csv_next(c, &nf, &fv, &line) == CRM_EX_OK)
			;
	crm_csv_close(c);
	unlink(path);
}

int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	struct crm_sql q = { 0 };
	struct crm_dur dur;
	const char *why;
	char *s;
	int64_t v;

	if (n < 1)
		return 0;
	if ((s = malloc(n)) == NULL)
		return 0;
	memcpy(s, d + 1, n - 1);
	s[n - 1] = '\0';
	switch (d[0] % 6) {
	case 0:
		csv(d + 1, n - 1, CRM_IN_AUTO);
		break;
	case 1:
		csv(d + 1, n - 1, CRM_IN_TSV);
		break;
	case 2:
		crm_filter_compile(&q, crm_kind_customer(), s, 2, 0);
		crm_sql_free(&q);
		break;
	case 3:
		crm_date_parse(s, 0, &v, &why);
		break;
	case 4:
		crm_money_parse(s, 2, &v, &why);
		break;
	default:
		crm_dur_parse(s, &dur, &why);
		crm_utf8_width(s);
		break;
	}
	free(s);
	return 0;
}
