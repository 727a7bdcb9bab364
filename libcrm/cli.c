/* cli.c: the common options and usage (err.c prints the errors). */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crm-int.h"

/* One per process, as getopt's state is (crm-int.h). */
static struct crm_cli_state state;

/* The common options of crm(7), in the order -h lists them. */
static const struct crm_opt commons[] = {
	{ 'd', "db", CRM_ARG_PATH, "path", "the store (else $CRM_DB, else "
	    "$XDG_DATA_HOME/crm/crm.db)", NULL, 0, 0 },
	{ 'w', "where", CRM_ARG_EXPR, "expr", "select with the filter "
	    "language (crm(7))", NULL, 0, 0 },
	{ 'o', "output", CRM_ARG_ENUM, "fmt", "output format",
	    "tsv,csv,json,table", 0, 0 },
	{ 'H', "header", CRM_ARG_NONE, NULL, "print a header line in tsv",
	    NULL, 0, 0 },
	{ 'f', "file", CRM_ARG_FILE, "file", "read records from FILE (- is "
	    "standard input)", NULL, 0, 0 },
	{ 'i', "input", CRM_ARG_ENUM, "fmt", "input format (default: from "
	    "the start)", "csv,tsv,vcard,json", 0, 0 },
	{ 'n', "dry-run", CRM_ARG_NONE, NULL, "dry run: validate and "
	    "report, write nothing", NULL, 0, 0 },
	{ 'q', "quiet", CRM_ARG_NONE, NULL, "quiet: only the exit status",
	    NULL, 0, 0 },
	{ 's', "sort", CRM_ARG_SORT, "[-]column,...", "sort the rows by "
	    "these columns (- before one: descending)", NULL, 0, 0 },
	{ 'l', "limit", CRM_ARG_INT, "n", "print at most n rows", NULL, 0,
	    0 },
	{ CRM_OPT_ASOF, "asof", CRM_ARG_DATE, "date", "compute as of the end "
	    "of DATE (default: the store's today, else now)", NULL, 0, 0 },
};

/* -o of the commands that write vCards ('V') or a page ('W'). */
static const struct crm_opt outv = { 'o', "output", CRM_ARG_ENUM, "fmt",
	"output format", "tsv,csv,json,table,vcard,xlsx", 0, 0 };
static const struct crm_opt outw = { 'o', "output", CRM_ARG_ENUM, "fmt",
	"output format", "tsv,csv,json,table,html,xlsx", 0, 0 };

/* The options every command has (crm(7)), listed last. */
static const struct crm_opt everys[] = {
	{ 'h', "help", CRM_ARG_NONE, NULL, "this help", NULL, 0, 0 },
	{ CRM_OPT_VERSION, "version", CRM_ARG_NONE, NULL, "the version",
	    NULL, 0, 0 },
	{ CRM_OPT_OPTIONS, "options", CRM_ARG_NONE, NULL, "the options and "
	    "operands, one per line, for scripts", NULL, 0, 0 },
};

/* What --options calls each kind of value. */
static const char *const argnames[] = {
	[CRM_ARG_NONE] = "-", [CRM_ARG_TEXT] = "text",
	[CRM_ARG_PATH] = "path", [CRM_ARG_FILE] = "file",
	[CRM_ARG_DIR] = "dir", [CRM_ARG_EXPR] = "expr",
	[CRM_ARG_FIELDS] = "fields", [CRM_ARG_SORT] = "sort",
	[CRM_ARG_ID] = "id", [CRM_ARG_INT] = "int",
	[CRM_ARG_DURATION] = "duration", [CRM_ARG_SHARE] = "share",
	[CRM_ARG_PROB] = "prob", [CRM_ARG_MONEY] = "money",
	[CRM_ARG_DATE] = "date", [CRM_ARG_ENUM] = "enum",
	[CRM_ARG_KIND] = "enum", [CRM_ARG_SETTING] = "enum",
	[CRM_ARG_SCHEME] = "enum", [CRM_ARG_MODEL] = "enum",
	[CRM_ARG_KEY] = "key",
};

/*
 * The store's path as SQLite must see it: a name SQLite would read as a
 * URI ("file:x.db") or as a database in memory (":memory:") is a file in
 * the current folder, as it is to every other program.
 */
static void
setdb(struct crm_cli *cli, const char *path)
{
	if (path[0] != '/' && (strncmp(path, "file:", 5) == 0 ||
	    strcmp(path, ":memory:") == 0) &&
	    snprintf(cli->state->dbbuf, sizeof cli->state->dbbuf, "./%s",
	    path) < (int)sizeof cli->state->dbbuf) {
		cli->dbpath = cli->state->dbbuf;
		return;
	}
	cli->dbpath = path;
}

static void
dbdefault(struct crm_cli *cli)
{
	char *buf = cli->state->dbbuf;
	size_t n = sizeof cli->state->dbbuf;
	const char *e;

	if ((e = getenv("CRM_DB")) != NULL && *e != '\0') {
		setdb(cli, e);
		return;
	}
	/* XDG base directories: a relative XDG_DATA_HOME is ignored. */
	if ((e = getenv("XDG_DATA_HOME")) != NULL && e[0] == '/')
		snprintf(buf, n, "%s/crm/crm.db", e);
	else if ((e = getenv("HOME")) != NULL && *e != '\0')
		snprintf(buf, n, "%s/.local/share/crm/crm.db", e);
	else
		snprintf(buf, n, "crm.db");
	cli->dbpath = buf;
}

void
crm_cli_begin(struct crm_cli *cli, int argc, char **argv,
    const struct crm_opt *opts, const char *common)
{
	const char *p, *e;
	struct passwd *pw;
	char *end;
	long v;

	memset(cli, 0, sizeof *cli);
	memset(&state, 0, sizeof state);
	cli->state = &state;
	if (argc > 0 && argv[0] != NULL) {
		p = strrchr(argv[0], '/');
		crm_progname_set(p != NULL ? p + 1 : argv[0]);
	}
	/* A closed pipe ends the command quietly, as head(1) expects. */
	signal(SIGPIPE, SIG_DFL);
	state.argc = argc;
	state.argv = argv;
	state.opts = opts;
	state.common = common;
	cli->optind = 1;
	cli->fmt = CRM_FMT_TSV;
	cli->limit = -1;
	cli->clock = (int64_t)time(NULL);
	cli->now = cli->clock;
	dbdefault(cli);
	if ((e = getenv("CRM_USER")) != NULL && *e != '\0')
		cli->user = e;
	else if ((pw = getpwuid(geteuid())) != NULL)
		cli->user = pw->pw_name;
	else
		cli->user = "unknown";
	/*
	 * 30 s: writers wait for each other rather than fail.  SQLite's busy
	 * handler polls (every 100 ms once past the first) and is not FIFO,
	 * so under many writers one can lose the lock several times in a
	 * row; 8 writers on a loaded machine took up to 3.4 s, waiting
	 * included, close to the old 5 s.  A command of cron prefers waiting;
	 * readers never wait for writers (WAL), so only writers, and a
	 * forget's checkpoint waiting for readers, ever wait this long.
	 */
	cli->busy_ms = 30000;
	if ((e = getenv("CRM_BUSY_TIMEOUT")) != NULL && *e != '\0') {
		errno = 0;
		v = strtol(e, &end, 10);
		if (errno == 0 && *end == '\0' && v >= 0 && v <= 86400000)
			cli->busy_ms = (int)v;
	}
}

/* An operand's row in a command's table: no option character, a name. */
static int
isoperand(const struct crm_opt *o)
{
	return o->c == 0 && o->name != NULL;
}

/*
 * The i-th option cli takes: the common ones it asked for, its own, then
 * -h, --version and --options; NULL past the last.
 */
/* o is a row of a command's table, not the zeroed row that ends it. */
#define OPT_MORE(o)	((o) != NULL && ((o)->c != 0 || (o)->name != NULL))

/* The command's table has an option c. */
static int
isown(const struct crm_cli *cli, int c)
{
	const struct crm_opt *o;

	for (o = cli->state->opts; OPT_MORE(o); o++)
		if (o->c == c)
			return 1;
	return 0;
}

static const struct crm_opt *
optat(const struct crm_cli *cli, size_t i)
{
	const char *common = cli->state->common;
	const struct crm_opt *o;
	size_t k;

	for (k = 0; k < sizeof commons / sizeof commons[0]; k++) {
		o = &commons[k];
		if (strchr(common, o->c == CRM_OPT_ASOF ? 'A' : o->c) == NULL)
			continue;
		if (i-- == 0)
			return o->c != 'o' ? o : strchr(common, 'V') != NULL ?
			    &outv : strchr(common, 'W') != NULL ? &outw : o;
	}
	for (o = cli->state->opts; OPT_MORE(o); o++)
		if (!isoperand(o) && i-- == 0)
			return o;
	/* -h, --version, --options: unless the command has its own. */
	for (k = 0; k < sizeof everys / sizeof everys[0]; k++)
		if (!isown(cli, everys[k].c) && i-- == 0)
			return &everys[k];
	return NULL;
}

static const struct crm_opt *
optof(const struct crm_cli *cli, int c)
{
	const struct crm_opt *o;
	size_t i;

	for (i = 0; (o = optat(cli, i)) != NULL; i++)
		if (o->c == c)
			return o;
	return NULL;
}

static int
isshort(int c)
{
	return c > 0 && c < 0x80 && c != ':' && c != '?' && c != '-';
}

/*
 * One word of the usage line, after a space; with wrap, a word that would
 * pass column 80 starts a new line under the first word (as BSD's usage).
 */
static void
putword(FILE *fp, size_t *col, size_t indent, int wrap, const char *w)
{
	size_t n = strlen(w);

	if (wrap && *col > indent && *col + 1 + n > 80) {
		fprintf(fp, "\n%*s", (int)indent, "");
		*col = indent;
	} else {
		fputc(' ', fp);
		(*col)++;
	}
	fputs(w, fp);
	*col += n;
}

/* An option the command line must hold (crm.h). */
static int
required(const struct crm_opt *o)
{
	return o->arg == CRM_ARG_ID && !isoperand(o) &&
	    o->min == CRM_OPT_REQUIRED;
}

/*
 * "[-c meta]", "[--name meta]" or "[--name]" into buf; without the
 * brackets when required.
 */
static void
optword(char *buf, size_t n, const struct crm_opt *o)
{
	size_t k;
	const char *p;

	if (isshort(o->c))
		k = (size_t)snprintf(buf, n, "[-%c", o->c);
	else
		k = (size_t)snprintf(buf, n, "[--%s", o->name);
	if (o->arg != CRM_ARG_NONE && k + 1 < n) {
		buf[k++] = ' ';
		if (o->meta != NULL)
			p = o->meta;
		else
			p = o->values != NULL ? o->values : "value";
		for (; *p != '\0' && k + 2 < n; p++)
			buf[k++] = o->meta == NULL && *p == ',' ? '|' : *p;
	}
	if (k + 1 < n) {
		buf[k++] = ']';
		buf[k] = '\0';
	}
	if (required(o)) {
		buf[k - 1] = '\0';
		memmove(buf, buf + 1, k - 1);
	}
}

/*
 * The usage line: flags, options with values, long ones, operands; -h's
 * wraps at 80 columns, a usage error's stays one line.
 */
static void
putusage(const struct crm_cli *cli, FILE *fp, const char *tail, int wrap)
{
	const struct crm_opt *o;
	char flags[128], w[160];
	size_t i, j, n = 0, col, indent;

	fprintf(fp, "usage: %s", crm_progname());
	col = indent = strlen("usage: ") + strlen(crm_progname()) + 1;
	col--;
	for (i = 0; (o = optat(cli, i)) != NULL && n + 1 < sizeof flags; i++)
		if (isshort(o->c) && o->c != 'h' && o->arg == CRM_ARG_NONE) {
			/* sorted as ASCII: "Hnq" */
			for (j = n++; j > 0 && flags[j - 1] > o->c; j--)
				flags[j] = flags[j - 1];
			flags[j] = (char)o->c;
		}
	flags[n] = '\0';
	if (n > 0) {
		snprintf(w, sizeof w, "[-%s]", flags);
		putword(fp, &col, indent, wrap, w);
	}
	for (i = 0; (o = optat(cli, i)) != NULL; i++)
		if (isshort(o->c) && o->arg != CRM_ARG_NONE) {
			optword(w, sizeof w, o);
			putword(fp, &col, indent, wrap, w);
		}
	for (i = 0; (o = optat(cli, i)) != NULL; i++) {
		if (isshort(o->c) || o->c == CRM_OPT_VERSION ||
		    o->c == CRM_OPT_OPTIONS)
			continue;
		optword(w, sizeof w, o);
		putword(fp, &col, indent, wrap, w);
	}
	for (o = cli->state->opts; OPT_MORE(o); o++)
		if (isoperand(o))
			putword(fp, &col, indent, wrap, o->meta != NULL ?
			    o->meta : o->name);
	fprintf(fp, "%s\n", tail);
}

/* name is an item of the comma-separated list (NULL: none). */
static int
inlist(const char *list, const char *name)
{
	size_t n = strlen(name);
	const char *p;

	for (p = list; p != NULL && *p != '\0'; p += strcspn(p, ","),
	    p += *p == ',')
		if (strncmp(p, name, n) == 0 && (p[n] == ',' || p[n] == '\0'))
			return 1;
	return 0;
}

/*
 * The choices of o, comma-separated, into buf (n bytes): from its kind's
 * table (kinds, settings, fields, schemes, models), or its own values;
 * NULL when the set is open.
 */
static const char *
choices(const struct crm_opt *o, char *buf, size_t n)
{
	const struct crm_kind *k;
	const struct crm_setting *st;
	const struct crm_scheme *sch;
	size_t len = 0;
	int i, j;

#define ADD(name) \
	len += snprintf(buf + len, len < n ? n - len : 0, "%s%s", \
	    len ? "," : "", (name))
	buf[0] = '\0';
	switch (o->arg) {
	case CRM_ARG_KIND:
		for (i = 0; (k = crm_kind_nth(i)) != NULL; i++)
			ADD(k->name);
		break;
	case CRM_ARG_SETTING:
		for (i = 0; (st = crm_setting_nth(i)) != NULL; i++)
			ADD(st->key);
		break;
	case CRM_ARG_FIELDS:
		k = crm_kind_customer();
		for (i = 0; i < k->nfields; i++)
			ADD(k->fields[i].name);
		break;
	case CRM_ARG_SCHEME:
		for (i = 0; (sch = crm_scheme_nth(i)) != NULL; i++)
			ADD(sch->name);
		break;
	case CRM_ARG_KEY:
		/* Each kind's unique fields and key's fields, once each. */
		for (i = 0; (k = crm_kind_nth(i)) != NULL; i++)
			for (j = 0; j < k->nfields; j++)
				if (((k->fields[j].flags & CRM_F_UNIQUE) ||
				    inlist(k->key, k->fields[j].name)) &&
				    !inlist(buf, k->fields[j].name))
					ADD(k->fields[j].name);
		break;
	case CRM_ARG_MODEL:
		if (o->values != NULL)
			ADD(o->values);
		for (i = 0; i < CRM_NMODELS; i++)
			if (i != CRM_GG)
				ADD(crm_model_info(i)->name);
		break;
	default:
		return o->values;
	}
#undef ADD
	return len < n ? buf : NULL;
}

/* The values --options lists for o. */
static void
putvalues(const struct crm_opt *o)
{
	char buf[1024];
	const char *v = choices(o, buf, sizeof buf);

	fputs(v != NULL ? v : "-", stdout);
}

static void
listone(const char *type, const struct crm_opt *o)
{
	printf("%s\t", type);
	if (isshort(o->c))
		printf("-%c\t", o->c);
	else
		printf("-\t");
	printf("%s%s\t%s\t", isoperand(o) || o->name == NULL ? "" : "--",
	    o->name != NULL ? o->name : "-", argnames[o->arg]);
	putvalues(o);
	printf("\t%s\n", o->help != NULL ? o->help : "-");
}

/*
 * --options: every option, then every operand, one per line of six
 * tab-separated fields (crm(7)): what completion and the man page test
 * read.
 */
static void
listopts(const struct crm_cli *cli)
{
	const struct crm_opt *o;
	size_t i;

	for (i = 0; (o = optat(cli, i)) != NULL; i++)
		listone("option", o);
	for (o = cli->state->opts; OPT_MORE(o); o++)
		if (isoperand(o))
			listone("operand", o);
}

int
crm_usage(const struct crm_cli *cli)
{
	char tail[160];

	if (!cli->state->told) {
		snprintf(tail, sizeof tail, "; try '%s -h'", crm_progname());
		fprintf(stderr, "%s: ", crm_progname());
		putusage(cli, stderr, tail, 0);
	}
	return CRM_EX_USAGE;
}

int
crm_usage_err(const struct crm_cli *cli, const char *fmt, ...)
{
	va_list ap;

	(void)cli;
	va_start(ap, fmt);
	crm_vmsg(NULL, 1, fmt, ap);
	va_end(ap);
	return CRM_EX_USAGE;
}

int
crm_opt_unit(const char *arg, int *scale)
{
	if (strcmp(arg, "day") == 0)
		*scale = 1;
	else if (strcmp(arg, "week") == 0)
		*scale = 7;
	else
		return -1;
	return 0;
}

/* A share: 0.3 or 30%; a bare number above 1 is refused, not 100 times. */
static int
share(const char *arg, double *v)
{
	char *end;

	errno = 0;
	*v = strtod(arg, &end);
	if (end == arg || errno != 0 || isspace((unsigned char)*arg))
		return -1;
	if (*end == '%') {
		*v /= 100;
		end++;
	}
	return *end == '\0' && *v >= 0 && *v <= 1 ? 0 : -1;
}

/* The index of arg among the comma-separated values, -1 when none. */
static int
choose(const char *values, const char *arg, const char **near)
{
	const char *names[64];
	char buf[1024], *p, *tok;
	size_t n = 0;
	int i;

	*near = NULL;
	snprintf(buf, sizeof buf, "%s", values);
	for (p = buf; n < 64 && (tok = strsep(&p, ",")) != NULL;)
		names[n++] = tok;
	for (i = 0; i < (int)n; i++)
		if (strcmp(names[i], arg) == 0)
			return i;
	if ((*near = crm_suggest(arg, names, n)) != NULL)
		*near = values + (*near - buf);
	return -1;
}

/* -h's columns: the help starts at HELPCOL and wraps at 80. */
#define HELPCOL	27

/*
 * Text from column *col on, a word at a time, wrapping at 80 columns
 * under HELPCOL; with sep, text is a comma-separated list shown as
 * "a, b, c".
 */
static void
putwrap(size_t *col, const char *text, int sep)
{
	const char *p = text;
	size_t n;

	while (*p != '\0') {
		n = sep ? strcspn(p, ",") : strcspn(p, " ");
		if (*col > HELPCOL && *col + 1 + n + (size_t)(sep &&
		    p[n] != '\0') > 80) {
			printf("\n%*s", HELPCOL, "");
			*col = HELPCOL;
		} else if (*col > HELPCOL || p != text) {
			putchar(' ');
			(*col)++;
		}
		printf("%.*s%s", (int)n, p, sep && p[n] != '\0' ? "," : "");
		*col += n + (sep && p[n] != '\0');
		p += n;
		while (*p == ' ' || *p == ',')
			p++;
	}
}

/*
 * One entry of -h: left in its column, then the help, then the values
 * the option takes when its value's name hides them ("fmt": tsv, csv).
 */
static void
putentry(const char *left, const struct crm_opt *o)
{
	char buf[1024];
	const char *v = NULL;
	size_t col;

	printf("  %s", left);
	col = 2 + strlen(left);
	if (col + 1 > HELPCOL) {
		printf("\n%*s", HELPCOL, "");
		col = HELPCOL;
	} else {
		printf("%*s", (int)(HELPCOL - col), "");
		col = HELPCOL;
	}
	putwrap(&col, o->help != NULL ? o->help : "", 0);
	if ((o->meta != NULL || isoperand(o)) && o->arg != CRM_ARG_FIELDS &&
	    o->arg != CRM_ARG_SORT && o->arg != CRM_ARG_ID)
		v = choices(o, buf, sizeof buf);
	if (v != NULL && *v != '\0') {
		putchar(':');
		col++;
		putwrap(&col, v, 1);
	}
	putchar('\n');
}

/* -h: the usage line, then every option and operand with its help. */
static void
help(const struct crm_cli *cli)
{
	putusage(cli, stdout, "", 1);
	crm_cli_help(cli);
	printf("see %s(1)\n", crm_progname());
}

void
crm_cli_help(const struct crm_cli *cli)
{
	const struct crm_opt *o;
	char left[128];
	size_t i, k;
	const char *p;

	printf("options:\n");
	for (i = 0; (o = optat(cli, i)) != NULL; i++) {
		snprintf(left, sizeof left, "%s%c%s%s%s", isshort(o->c) ?
		    "-" : " ", isshort(o->c) ? o->c : ' ', isshort(o->c) &&
		    o->name != NULL ? ", " : "  ", o->name != NULL ? "--" : "",
		    o->name != NULL ? o->name : "");
		if (o->arg != CRM_ARG_NONE) {
			p = o->meta != NULL ? o->meta : o->values != NULL ?
			    o->values : "value";
			k = strlen(left);
			for (left[k++] = ' '; *p != '\0' && k + 1 <
			    sizeof left; p++)
				left[k++] = o->meta == NULL && *p == ',' ?
				    '|' : *p;
			left[k] = '\0';
		}
		putentry(left, o);
	}
	for (o = cli->state->opts; OPT_MORE(o); o++)
		if (isoperand(o))
			putentry(o->name, o);
}

/*
 * Parse the value of o as its kind says into cli (arg, num, when,
 * choice); print the one-line reason and return -1 when it is bad.
 */
static int
value(struct crm_cli *cli, const struct crm_opt *o, const char *as,
    const char *arg)
{
	const char *why = NULL, *near, *values;
	struct crm_dur d;
	char *end, buf[1024];
	int64_t t;
	size_t n;

	cli->arg = arg;
	cli->num = 0;
	cli->choice = -1;
	switch (o->arg) {
	case CRM_ARG_INT:
		errno = 0;
		cli->num = (double)strtoll(arg, &end, 10);
		if (end == arg || *end != '\0' || errno != 0 ||
		    isspace((unsigned char)*arg) || cli->num < o->min ||
		    (o->max > o->min && cli->num > o->max)) {
			if (o->max > o->min)
				return crm_usage_err(cli, "%s: \"%s\" is not a "
				    "whole number from %.0f to %.0f", as, arg,
				    o->min, o->max), -1;
			return crm_usage_err(cli, "%s: \"%s\" is not a whole "
			    "number from %.0f", as, arg, o->min), -1;
		}
		break;
	case CRM_ARG_DURATION:
		/* A bare whole number is days. */
		n = strspn(arg, "0123456789");
		if (n > 0 && n < 10 && arg[n] == '\0')
			cli->num = (double)strtol(arg, NULL, 10);
		else if (crm_dur_parse(arg, &d, &why) == 0)
			cli->num = crm_dur_secs(&d) / 86400.0;
		else
			return crm_usage_err(cli, "%s: \"%s\" %s", as, arg,
			    why), -1;
		if (cli->num <= 0)
			return crm_usage_err(cli, "%s: \"%s\" is no time at "
			    "all", as, arg), -1;
		if (cli->num < o->min)
			return crm_usage_err(cli, "%s: \"%s\" is %g days, "
			    "under the shortest, %.0f day%s", as, arg,
			    cli->num, o->min, o->min == 1 ? "" : "s"), -1;
		if (o->max > o->min && cli->num > o->max)
			return crm_usage_err(cli, "%s: \"%s\" is %.0f days, "
			    "beyond the longest, %.0f days", as, arg,
			    cli->num, o->max), -1;
		break;
	case CRM_ARG_SHARE:
		if (share(arg, &cli->num) != 0)
			return crm_usage_err(cli, "%s: \"%s\" is not a share "
			    "from 0 to 1 (like 0.3 or 30%%)", as, arg), -1;
		break;
	case CRM_ARG_PROB:
		if (share(arg, &cli->num) != 0 || cli->num == 0 ||
		    cli->num == 1)
			return crm_usage_err(cli, "%s: \"%s\" is not a "
			    "probability between 0 and 1 (like 0.3 or 30%%)",
			    as, arg), -1;
		break;
	case CRM_ARG_DATE:
		if (crm_date_parse(arg, cli->now, &t, &why) != 0)
			return crm_usage_err(cli, "%s: \"%s\" %s", as, arg,
			    why), -1;
		cli->when = t;
		break;
	case CRM_ARG_ENUM:
	case CRM_ARG_SCHEME:
	case CRM_ARG_MODEL:
		if ((values = choices(o, buf, sizeof buf)) == NULL)
			return crm_usage_err(cli, "%s: too many choices", as),
			    -1;
		if ((cli->choice = choose(values, arg, &near)) >= 0)
			break;
		if (near != NULL)
			return crm_usage_err(cli, "%s: \"%s\" is not one of "
			    "%s (did you mean %.*s?)", as, arg, values,
			    (int)strcspn(near, ","), near), -1;
		return crm_usage_err(cli, "%s: \"%s\" is not one of %s", as,
		    arg, values), -1;
	case CRM_ARG_ID:
		/* "-" where the table offers it: ids on standard input. */
		if (crm_id_parse(arg, &t) != 0 && !(strcmp(arg, "-") == 0 &&
		    o->values != NULL && strcmp(o->values, "-") == 0))
			return crm_usage_err(cli, "%s: \"%s\" is not an id "
			    "(a whole number from 1)%s", as, arg, o->values !=
			    NULL ? ", nor -" : ""), -1;
		break;
	case CRM_ARG_KIND:
		if (crm_kind_find(arg) == NULL)
			return crm_usage_err(cli, "%s: \"%s\" is no kind of "
			    "record", as, arg), -1;
		break;
	default:
		if (*arg == '\0' && o->arg == CRM_ARG_PATH)
			return crm_usage_err(cli, "%s: an empty path", as),
			    -1;
		break;
	}
	return 0;
}

/* A common option, its value parsed: into cli. */
static void
common(struct crm_cli *cli, int c)
{
	switch (c) {
	case CRM_OPT_ASOF:
		/* The end of that day: everything dated on or before it. */
		cli->now = crm_day_of(cli->when) * 86400 + 86399;
		cli->asofset = 1;
		break;
	case 'd':
		setdb(cli, cli->arg);
		break;
	case 'w':
		cli->where = cli->arg;
		break;
	case 'f':
		cli->infile = cli->arg;
		break;
	case 'o':
		cli->fmt = (enum crm_fmt)crm_fmt_parse(cli->arg);
		break;
	case 'i':
		cli->infmt = (enum crm_infmt)(CRM_IN_CSV + cli->choice);
		break;
	case 'H':
		cli->header = 1;
		break;
	case 'n':
		cli->dryrun = 1;
		break;
	case 'q':
		cli->quiet = 1;
		break;
	case 's':
		cli->sort = cli->arg;
		break;
	case 'l':
		cli->limit = (long)cli->num;
		break;
	}
}

/* "--feilds: no such option (did you mean --fields?)" */
static void
unknown(const struct crm_cli *cli, const char *word)
{
	const struct crm_opt *o;
	const char *names[256], *near = NULL;
	char name[128];
	size_t i, n = 0;

	if (strncmp(word, "--", 2) == 0) {
		snprintf(name, sizeof name, "%.*s", (int)strcspn(word + 2,
		    "="), word + 2);
		for (i = 0; (o = optat(cli, i)) != NULL && n < 256; i++)
			if (o->name != NULL)
				names[n++] = o->name;
		near = crm_suggest(name, names, n);
		word = name;
	}
	if (near != NULL)
		crm_usage_err(cli, "--%s: no such option (did you mean "
		    "--%s?)", word, near);
	else
		crm_usage_err(cli, "%s%s: no such option", word == name ?
		    "--" : "", word);
}

/* -1 when every required option was given, else '?' saying which not. */
static int
missing(struct crm_cli *cli)
{
	struct crm_cli_state *x = cli->state;
	const struct crm_opt *o;
	int i;

	for (o = x->opts; OPT_MORE(o); o++) {
		if (!required(o))
			continue;
		for (i = 0; i < x->nids && x->ids[i] != o->c; i++)
			;
		if (i == x->nids) {
			crm_usage_err(cli, "--%s is missing", o->name);
			x->told = 1;
			return '?';
		}
	}
	return -1;
}

int
crm_cli_next(struct crm_cli *cli)
{
	struct crm_cli_state *x = cli->state;
	const struct crm_opt *o;
	size_t i, k = 0, n = 0;
	char as[128];
	int c, li;

	while (optat(cli, n) != NULL)
		n++;
	/* Built anew each time from the tables: no limit but the table. */
	char sopts[3 * n + 4];
	struct option lopts[n + 1];

	/* '+': options stop at the first operand (crm's command). */
	if (strchr(x->common, '+') != NULL)
		sopts[k++] = '+';
	sopts[k++] = ':';
	for (i = 0; i < n; i++) {
		o = optat(cli, i);
		if (isshort(o->c)) {
			sopts[k++] = (char)o->c;
			if (o->arg != CRM_ARG_NONE)
				sopts[k++] = ':';
		}
		lopts[i] = (struct option){ o->name != NULL ? o->name : "",
		    o->arg != CRM_ARG_NONE ? required_argument : no_argument,
		    NULL, o->c };
	}
	sopts[k] = '\0';
	lopts[n] = (struct option){ NULL, 0, NULL, 0 };
	if (cli->optind == 1 && !x->started) {
		x->started = 1;
		opterr = 0;
		optind = 1;
	}
	for (;;) {
		li = -1;
		c = getopt_long(x->argc, x->argv, sopts, lopts, &li);
		cli->optind = optind;
		if (c == -1)
			return missing(cli);
		if (c == '?') {
			if (optopt != 0 && optopt < 0x100)
				snprintf(as, sizeof as, "-%c", optopt);
			else
				snprintf(as, sizeof as, "%s",
				    x->argv[optind - 1]);
			unknown(cli, as);
			x->told = 1;
			return '?';
		}
		if (li >= 0)
			snprintf(as, sizeof as, "--%s", lopts[li].name);
		else if (c == ':' && strncmp(x->argv[optind - 1], "--",
		    2) == 0)
			snprintf(as, sizeof as, "%.*s", (int)strcspn(x->argv[
			    optind - 1], "="), x->argv[optind - 1]);
		else if (c == ':')
			snprintf(as, sizeof as, "-%c", optopt);
		else
			snprintf(as, sizeof as, "-%c", c);
		if (c == ':') {
			o = optof(cli, optopt);
			crm_usage_err(cli, "%s: needs a value (%s)", as,
			    o != NULL && o->meta != NULL ? o->meta : "value");
			x->told = 1;
			return '?';
		}
		switch (isown(cli, c) ? 0 : c) {
		case 'h':
			help(cli);
			exit(crm_cli_end(cli, CRM_EX_OK));
		case CRM_OPT_VERSION:
			printf("%s (crm) %s\n", crm_progname(), CRM_VERSION);
			exit(crm_cli_end(cli, CRM_EX_OK));
		case CRM_OPT_OPTIONS:
			listopts(cli);
			exit(crm_cli_end(cli, CRM_EX_OK));
		}
		if ((o = optof(cli, c)) == NULL)
			return c;
		if (o->arg != CRM_ARG_NONE && value(cli, o, as, optarg) != 0) {
			x->told = 1;
			return '?';
		}
		/*
		 * An id names what the command acts on: given twice, one of
		 * them would be dropped.  Any other option, the last counts.
		 */
		if (o->arg == CRM_ARG_ID) {
			for (i = 0; i < (size_t)x->nids && x->ids[i] != c; i++)
				;
			if (i < (size_t)x->nids) {
				crm_usage_err(cli, "%s: given twice; one id at "
				    "a time", as);
				x->told = 1;
				return '?';
			}
			if (x->nids < (int)(sizeof x->ids / sizeof x->ids[0]))
				x->ids[x->nids++] = c;
		}
		if (o->arg == CRM_ARG_NONE)
			cli->arg = NULL;
		/* A common option: not the command's own. */
		if ((o >= commons && o < commons + sizeof commons /
		    sizeof commons[0]) || o == &outv || o == &outw) {
			common(cli, c);
			continue;
		}
		return c;
	}
}

int
crm_cli_end(struct crm_cli *cli, int rc)
{
	(void)cli;
	/* The today note no output printed; dropped on a usage error. */
	if (rc == CRM_EX_USAGE)
		crm_note_drop();
	else
		crm_note_flush();
	if (fflush(stdout) != 0 || ferror(stdout)) {
		/* The reader went away (| head): that is not an error. */
		if (errno == EPIPE)
			return rc;
		return crm_err(CRM_EX_IOERR, NULL, "standard output:");
	}
	return rc;
}
