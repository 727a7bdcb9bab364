/* cli.c: the common options, usage, errors and the program name. */
#include <errno.h>
#include <getopt.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crm.h"

/* The program name: the only mutable global, set once. */
static const char *progname = "crm";

/* The common options of DESIGN.md, in the order -h lists them. */
static const struct common {
	int		 c;
	const char	*name;
	int		 arg;
	const char	*help;
} commons[] = {
	{ 'd', "db", 1, "-d PATH      the store (else $CRM_DB, else "
	    "$XDG_DATA_HOME/crm/crm.db)" },
	{ 'w', "where", 1, "-w EXPR      select with the filter language "
	    "(crm(7))" },
	{ 'o', "output", 1, "-o FMT       output: tsv, csv, json, table" },
	{ 'H', "header", 0, "-H           print a header line in tsv" },
	{ 'f', "file", 1, "-f FILE      read records from FILE (- is "
	    "standard input)" },
	{ 'i', "input", 1, "-i FMT       input format: csv, tsv, vcard or json "
	    "(default: from the start)" },
	{ 'n', "dry-run", 0, "-n           dry run: validate and report, "
	    "write nothing" },
	{ 'q', "quiet", 0, "-q           quiet: only the exit status" },
	{ 'A', "asof", 1, "--asof DATE  compute as of the end of DATE "
	    "(default: now)" },
};

const char *
crm_progname(void)
{
	return progname;
}

static void
vmsg(const struct crm_loc *at, const char *fmt, va_list ap)
{
	size_t n = strlen(fmt);
	int e = errno;

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
	fputc('\n', stderr);
}

int
crm_err(int rc, const struct crm_loc *at, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(at, fmt, ap);
	va_end(ap);
	return rc;
}

void
crm_warn(const struct crm_loc *at, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(at, fmt, ap);
	va_end(ap);
}

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
	    snprintf(cli->dbbuf, sizeof cli->dbbuf, "./%s", path) <
	    (int)sizeof cli->dbbuf) {
		cli->dbpath = cli->dbbuf;
		return;
	}
	cli->dbpath = path;
}

static void
dbdefault(struct crm_cli *cli)
{
	const char *e;

	if ((e = getenv("CRM_DB")) != NULL && *e != '\0') {
		setdb(cli, e);
		return;
	}
	/* XDG base directories: a relative XDG_DATA_HOME is ignored. */
	if ((e = getenv("XDG_DATA_HOME")) != NULL && e[0] == '/')
		snprintf(cli->dbbuf, sizeof cli->dbbuf, "%s/crm/crm.db", e);
	else if ((e = getenv("HOME")) != NULL && *e != '\0')
		snprintf(cli->dbbuf, sizeof cli->dbbuf,
		    "%s/.local/share/crm/crm.db", e);
	else
		snprintf(cli->dbbuf, sizeof cli->dbbuf, "crm.db");
	cli->dbpath = cli->dbbuf;
}

void
crm_cli_begin(struct crm_cli *cli, int argc, char **argv, const char *usage,
    const char *common)
{
	const char *p, *e;
	struct passwd *pw;
	char *end;
	long v;

	memset(cli, 0, sizeof *cli);
	if (argc > 0 && argv[0] != NULL) {
		p = strrchr(argv[0], '/');
		progname = p != NULL ? p + 1 : argv[0];
	}
	/* A closed pipe ends the command quietly, as head(1) expects. */
	signal(SIGPIPE, SIG_DFL);
	cli->argc = argc;
	cli->argv = argv;
	cli->optind = 1;
	cli->usage = usage;
	cli->common = common;
	cli->fmt = CRM_FMT_TSV;
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

static void
printusage(const struct crm_cli *cli, FILE *fp)
{
	size_t i;

	fprintf(fp, "usage: %s %s\n", progname, cli->usage);
	fprintf(fp, "common options:\n");
	for (i = 0; i < sizeof commons / sizeof commons[0]; i++)
		if (strchr(cli->common, commons[i].c) != NULL)
			fprintf(fp, "  %s%s\n", commons[i].help,
			    commons[i].c != 'o' ? "" : strchr(cli->common,
			    'V') != NULL ? ", vcard" : strchr(cli->common,
			    'W') != NULL ? ", html" : "");
	fprintf(fp, "  -h, --help   this usage; --version: the version; "
	    "--options: the options\n");
	fprintf(fp, "see %s(1)\n", progname);
}

int
crm_usage(const struct crm_cli *cli)
{
	printusage(cli, stderr);
	return CRM_EX_USAGE;
}

int
crm_opt_days(const char *name, const char *arg, double *days)
{
	struct crm_dur d;
	const char *why;

	if (crm_dur_parse(arg, &d, &why) != 0) {
		crm_err(0, NULL, "--%s: \"%s\" %s", name, arg, why);
		return -1;
	}
	*days = crm_dur_secs(&d) / 86400.0;
	return 0;
}

int
crm_opt_prob(const char *name, const char *arg, double *p)
{
	char *end;

	*p = strtod(arg, &end);
	if (end == arg || *end != '\0' || !(*p > 0 && *p < 1)) {
		crm_err(0, NULL, "--%s: \"%s\" is not a probability between 0 "
		    "and 1", name, arg);
		return -1;
	}
	return 0;
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

int
crm_opt_key(const char *arg, int *byref)
{
	if (strcmp(arg, "ref") != 0 && strcmp(arg, "id") != 0) {
		crm_err(0, NULL, "--key: \"%s\" is neither id nor ref", arg);
		return -1;
	}
	*byref = strcmp(arg, "ref") == 0;
	return 0;
}

/* Build the merged short and long option tables once. */
static void
buildopts(struct crm_cli *cli, const char *own, const struct option *ownlong)
{
	size_t i, n = 0, k = 0;

	cli->optbuf[k++] = ':';
	cli->optbuf[k++] = 'h';
	for (i = 0; i < sizeof commons / sizeof commons[0]; i++) {
		if (strchr(cli->common, commons[i].c) == NULL)
			continue;
		if (commons[i].c != 'A') {
			cli->optbuf[k++] = (char)commons[i].c;
			if (commons[i].arg)
				cli->optbuf[k++] = ':';
		}
		cli->lopts[n].name = commons[i].name;
		cli->lopts[n].has_arg = commons[i].arg ? required_argument :
		    no_argument;
		cli->lopts[n].flag = NULL;
		cli->lopts[n].val = commons[i].c == 'A' ? CRM_OPT_ASOF :
		    commons[i].c;
		n++;
	}
	snprintf(cli->optbuf + k, sizeof cli->optbuf - k, "%s", own);
	cli->lopts[n++] = (struct option){ "help", no_argument, NULL, 'h' };
	cli->lopts[n++] = (struct option){ "version", no_argument, NULL,
	    CRM_OPT_VERSION };
	cli->lopts[n++] = (struct option){ "options", no_argument, NULL,
	    CRM_OPT_OPTIONS };
	for (i = 0; ownlong != NULL && ownlong[i].name != NULL &&
	    n + 1 < sizeof cli->lopts / sizeof cli->lopts[0]; i++)
		cli->lopts[n++] = ownlong[i];
	memset(&cli->lopts[n], 0, sizeof cli->lopts[n]);
}

/*
 * --options: the options getopt is given, one per line: -c or --name,
 * " ARG" when it takes one, and " (-c)" after a long name of -c.
 */
static void
listopts(const struct crm_cli *cli)
{
	const struct option *l;
	const char *p;

	for (p = cli->optbuf + 1; *p != '\0'; p++)
		if (*p != ':')
			printf("-%c%s\n", *p, p[1] == ':' ? " ARG" : "");
	for (l = cli->lopts; l->name != NULL; l++) {
		printf("--%s%s", l->name, l->has_arg == required_argument ?
		    " ARG" : l->has_arg == optional_argument ? " [ARG]" : "");
		if (l->flag == NULL && l->val > 0 && l->val < 0x100 &&
		    l->val != ':' && strchr(cli->optbuf + 1, l->val) != NULL)
			printf(" (-%c)", l->val);
		putchar('\n');
	}
}

static int
asof(struct crm_cli *cli, const char *arg)
{
	const char *why;
	int64_t t;

	if (crm_date_parse(arg, cli->now, &t, &why) != 0) {
		crm_err(0, NULL, "--asof: \"%s\": %s", arg, why);
		return -1;
	}
	/* The end of that day: everything dated on or before it counts. */
	cli->now = crm_day_of(t) * 86400 + 86399;
	cli->asofset = 1;
	return 0;
}

int
crm_cli_next(struct crm_cli *cli, const char *own,
    const struct option *ownlong)
{
	int c, f;

	if (cli->optind == 1 && cli->optbuf[0] == '\0') {
		buildopts(cli, own, ownlong);
		opterr = 0;
		optind = 1;
	}
	for (;;) {
		c = getopt_long(cli->argc, cli->argv, cli->optbuf, cli->lopts,
		    NULL);
		cli->optind = optind;
		switch (c) {
		case -1:
			return -1;
		case 'h':
			printusage(cli, stdout);
			exit(crm_cli_end(cli, CRM_EX_OK));
		case CRM_OPT_VERSION:
			printf("%s (crm) %s\n", progname, CRM_VERSION);
			exit(crm_cli_end(cli, CRM_EX_OK));
		case CRM_OPT_OPTIONS:
			listopts(cli);
			exit(crm_cli_end(cli, CRM_EX_OK));
		case ':':
			crm_err(0, NULL, "option %s needs an argument",
			    cli->argv[optind - 1]);
			return '?';
		case '?':
			if (optopt != 0)
				crm_err(0, NULL, "unknown option -%c", optopt);
			else
				crm_err(0, NULL, "unknown option %s",
				    cli->argv[optind - 1]);
			return '?';
		case CRM_OPT_ASOF:
			if (asof(cli, optarg) != 0)
				return '?';
			continue;
		}
		if (c >= 0x100 || strchr(cli->common, c) == NULL)
			return c;
		switch (c) {
		case 'd':
			if (*optarg == '\0') {
				crm_err(CRM_EX_USAGE, NULL,
				    "-d: an empty path");
				return '?';
			}
			setdb(cli, optarg);
			break;
		case 'w':
			cli->where = optarg;
			break;
		case 'f':
			cli->infile = optarg;
			break;
		case 'o':
			if ((f = crm_fmt_parse(optarg)) < 0) {
				crm_err(0, NULL, "-o: unknown format \"%s\"",
				    optarg);
				return '?';
			}
			/* Cards hold customers: only commands that say so. */
			if (f == CRM_FMT_VCARD &&
			    strchr(cli->common, 'V') == NULL) {
				crm_err(0, NULL, "-o vcard: only crm-ls writes "
				    "vCards");
				return '?';
			}
			/* A page: only reports. */
			if (f == CRM_FMT_HTML &&
			    strchr(cli->common, 'W') == NULL) {
				crm_err(0, NULL, "-o html: only crm-report "
				    "writes pages");
				return '?';
			}
			cli->fmt = (enum crm_fmt)f;
			cli->fmtset = 1;
			break;
		case 'i':
			if (strcmp(optarg, "csv") == 0)
				cli->infmt = CRM_IN_CSV;
			else if (strcmp(optarg, "tsv") == 0)
				cli->infmt = CRM_IN_TSV;
			else if (strcmp(optarg, "vcard") == 0)
				cli->infmt = CRM_IN_VCARD;
			else if (strcmp(optarg, "json") == 0)
				cli->infmt = CRM_IN_JSON;
			else {
				crm_err(0, NULL, "-i: unknown format \"%s\"",
				    optarg);
				return '?';
			}
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
		default:
			return c;
		}
	}
}

int
crm_cli_today(struct crm_cli *cli, const char *day)
{
	const char *why;
	int64_t t;

	if (cli->asofset || strchr(cli->common, 'A') == NULL || *day == '\0')
		return 0;
	if (crm_date_parse(day, cli->now, &t, &why) != 0)
		return -1;
	cli->now = crm_day_of(t) * 86400 + 86399;
	cli->asofset = 1;
	cli->today = 1;
	return 1;
}

int
crm_cli_end(struct crm_cli *cli, int rc)
{
	(void)cli;
	if (fflush(stdout) != 0 || ferror(stdout)) {
		/* The reader went away (| head): that is not an error. */
		if (errno == EPIPE)
			return rc;
		return crm_err(CRM_EX_IOERR, NULL, "standard output:");
	}
	return rc;
}
