/*
 * err.c: the program's name and the one shape of every message on stderr,
 * "prog: file:line: field: what is wrong" (crm(7)).  The lowest module:
 * every other may print through it, and it calls none of them.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "crm-int.h"

/* The program name, set once. */
static const char *progname = "crm";
/* crm_note_defer's note, waiting for the first output; "" when none. */
static char note[256];

void
crm_progname_set(const char *name)
{
	progname = name;
}

const char *
crm_progname(void)
{
	return progname;
}

void
crm_vmsg(const struct crm_loc *at, int usage, const char *fmt, va_list ap)
{
	size_t n = strlen(fmt);
	int e = errno;

	/* A usage error is the only line; anything else follows the note. */
	if (usage)
		crm_note_drop();
	else
		crm_note_flush();
	fprintf(stderr, "%s: ", progname);
	if (at != NULL && at->file != NULL) {
		if (at->line > 0)
			fprintf(stderr, "%s:%ld: ", at->file, at->line);
		else
			fprintf(stderr, "%s: ", at->file);
	}
	if (at != NULL && at->field != NULL)
		fprintf(stderr, "%s: ", at->field);
	vfprintf(stderr, fmt, ap);
	if (n > 0 && fmt[n - 1] == ':')
		fprintf(stderr, " %s", strerror(e));
	/* A usage error says where to look, on the same line. */
	if (usage)
		fprintf(stderr, "; try '%s -h'", progname);
	fputc('\n', stderr);
}

int
crm_err(int rc, const struct crm_loc *at, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	crm_vmsg(at, rc == CRM_EX_USAGE, fmt, ap);
	va_end(ap);
	return rc;
}

void
crm_warn(const struct crm_loc *at, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	crm_vmsg(at, 0, fmt, ap);
	va_end(ap);
}

void
crm_note_defer(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(note, sizeof note, fmt, ap);
	va_end(ap);
}

void
crm_note_flush(void)
{
	if (note[0] == '\0')
		return;
	fprintf(stderr, "%s: %s\n", progname, note);
	note[0] = '\0';
}

void
crm_note_drop(void)
{
	note[0] = '\0';
}
