/*
 * vcard: the vCard reader called directly (libcrm/vcard.c), through a
 * getline(3) over the input in memory, every card to the end.
 */
#include "fuzz.h"

struct mem {
	const uint8_t	*d;
	size_t		 n, pos;
};

/* getline(3) over memory: a line with its newline, -1 at the end. */
static ssize_t
memline(void *arg, char **buf, size_t *cap)
{
	struct mem *m = arg;
	const uint8_t *nl;
	size_t take;
	char *nb;

	if (m->pos == m->n)
		return -1;
	nl = memchr(m->d + m->pos, '\n', m->n - m->pos);
	take = nl != NULL ? (size_t)(nl - (m->d + m->pos)) + 1 :
	    m->n - m->pos;
	if (take + 1 > *cap) {
		if ((nb = realloc(*buf, take + 1)) == NULL)
			return -1;
		*buf = nb;
		*cap = take + 1;
	}
	memcpy(*buf, m->d + m->pos, take);
	(*buf)[take] = '\0';
	m->pos += take;
	return (ssize_t)take;
}

int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	struct mem m = { d, n, 0 };
	struct crm_vcard *v = NULL;
	char **vals;
	long start;

	crm_vcard_sniff((const char *)d, n);
	if (crm_vcard_open(&v, memline, &m, "fuzz.vcf") == CRM_EX_OK)
		while (crm_vcard_next(v, &vals, &start) == CRM_EX_OK)
			;
	crm_vcard_close(v);
	return 0;
}
