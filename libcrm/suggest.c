/*
 * suggest.c: "did you mean": the known name nearest a mistyped one, by
 * edit distance (Damerau's optimal string alignment: a swap of two
 * neighbours counts once), as git does for its commands.
 */
#include <stdlib.h>
#include <string.h>

#include "crm.h"

/* The distance of a and b, or SIZE_MAX when either is too long to try. */
static size_t
distance(const char *a, const char *b)
{
	enum { MAX = 64 };
	size_t d[MAX + 1][MAX + 1], la = strlen(a), lb = strlen(b), i, j;

	if (la > MAX || lb > MAX)
		return SIZE_MAX;
	for (i = 0; i <= la; i++)
		d[i][0] = i;
	for (j = 0; j <= lb; j++)
		d[0][j] = j;
	for (i = 1; i <= la; i++)
		for (j = 1; j <= lb; j++) {
			size_t best = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);

			if (d[i - 1][j] + 1 < best)
				best = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < best)
				best = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < best)
				best = d[i - 2][j - 2] + 1;
			d[i][j] = best;
		}
	return d[la][lb];
}

const char *
crm_suggest(const char *word, const char *const *names, size_t n)
{
	const char *best = NULL;
	size_t i, bestd = SIZE_MAX, len = strlen(word), most;

	/* One edit in a short word, a third of a longer one. */
	most = len < 6 ? 1 : len / 3;
	if (len == 0)
		return NULL;
	for (i = 0; i < n && names[i] != NULL; i++) {
		size_t d = distance(word, names[i]);

		/* A prefix of a name is as good as a near miss: "curr". */
		if (len >= 3 && strncmp(word, names[i], len) == 0 &&
		    names[i][len] != '\0')
			d = d < 1 ? d : 1;
		if (d < bestd) {
			bestd = d;
			best = names[i];
		}
	}
	return bestd > 0 && bestd <= most ? best : NULL;
}

int
crm_nosuch(int rc, const char *opt, const char *word, const char *what,
    const char *const *names, size_t n)
{
	const char *near = crm_suggest(word, names, n);
	char list[512];
	size_t i, len = 0;

	if (near != NULL)
		return crm_err(rc, NULL, "%s%s%s: no such %s (did you mean "
		    "%s?)", opt != NULL ? opt : "", opt != NULL ? " " : "",
		    word, what, near);
	list[0] = '\0';
	for (i = 0; i < n && names[i] != NULL && len < sizeof list; i++)
		len += snprintf(list + len, sizeof list - len, "%s%s",
		    i > 0 ? ", " : "", names[i]);
	return crm_err(rc, NULL, "%s%s%s: no such %s (%s)", opt != NULL ? opt :
	    "", opt != NULL ? " " : "", word, what, list);
}
