/* crm: the dispatcher.  `crm add ...` runs crm-add; alone, lists commands. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crm.h"

static const char usage[] = "usage: crm [-d path] [--asof date] command "
    "[argument ...]\n"
    "       crm help command\n"
    "       crm --commands\n";

/*
 * The commands, in the order crm lists them.  What each does is said
 * here once: crm lists it, --commands prints it for zsh's completion
 * (scripts/gen-completion), and it is the NAME line of the command's
 * page and its line in crm(1) (tests/tables.t compares them).
 */
static const struct {
	const char	*name;
	const char	*does;
	int		 schemes;	/* crm lists the schemes after it */
} cmds[] = {
	{ "init", "create, upgrade or check the crm store", 0 },
	{ "config", "read and set store settings", 0 },
	{ "add", "add records from arguments or in bulk from CSV, TSV, vCard "
	    "or JSON", 0 },
	{ "ls", "list records, filtered, with chosen fields", 0 },
	{ "show", "show a customer's profile, statistics and timeline", 0 },
	{ "set", "change fields of records", 0 },
	{ "rm", "delete records or erase a customer's personal data", 0 },
	{ "tag", "add, remove and list tags on customers; rule tags", 0 },
	{ "dedupe", "find likely duplicate customers and merge them", 0 },
	{ "tier", "assign customers to tiers by a scheme", 1 },
	{ "churn", "churn early warning by a heuristic or a customer-base "
	    "model", 0 },
	{ "clv", "expected purchases, spend and lifetime value per customer",
	    0 },
	{ "backup", "back up the store online, or restore a backup", 0 },
	{ "export", "everything held about one customer, as one JSON document",
	    0 },
	{ "points", "loyalty points: earn them from purchases, expire them, "
	    "list balances", 0 },
	{ "basket", "association rules between products, and what to offer "
	    "whom", 0 },
	{ "due", "follow-ups due today: calls, visits, offers, complaints, "
	    "birthdays", 0 },
	{ "report", "the store's reports as of a day: text, csv, json, HTML, "
	    "xlsx", 0 },
};

/* What crm help does, for --commands. */
static const char helpdoes[] = "show the manual of a command";

static void
list(FILE *fp)
{
	char schemes[256];
	size_t i;

	crm_scheme_list(schemes, sizeof schemes);
	fprintf(fp, "%scommands:\n", usage);
	for (i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
		fprintf(fp, "  %-8s %s%s%s\n", cmds[i].name, cmds[i].does,
		    cmds[i].schemes ? ": " : "", cmds[i].schemes ? schemes :
		    "");
	fprintf(fp, "options (as --options lists them):\n"
	    "  -d path           the store, for the command\n"
	    "      --asof date   the day, for the command\n"
	    "  -h, --help        the commands\n"
	    "      --version     the version\n"
	    "      --options     the options, one per line, for scripts\n"
	    "      --commands    the commands and what each does, one per "
	    "line\n");
	fprintf(fp, "crm help COMMAND shows its manual; see crm(1), crm(7)\n");
}

/* The folder crm itself is in, into dir (n bytes); -1 when unknown. */
static int
selfdir(char *dir, size_t n)
{
	char *slash;
	ssize_t len;

	if ((len = readlink("/proc/self/exe", dir, n - 1)) <= 0)
		return -1;
	dir[len] = '\0';
	if ((slash = strrchr(dir, '/')) == NULL)
		return -1;
	*slash = '\0';
	return 0;
}

/* "no such command", with the nearest one or where the list is. */
static int
nosuch(const char *name)
{
	const char *names[sizeof cmds / sizeof cmds[0]], *near;
	size_t i;

	for (i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
		names[i] = cmds[i].name;
	if ((near = crm_suggest(name, names, i)) != NULL)
		return crm_err(CRM_EX_USAGE, NULL, "%s: no such command (did "
		    "you mean %s?)", name, near);
	return crm_err(CRM_EX_USAGE, NULL, "%s: no such command (crm lists "
	    "them)", name);
}

/*
 * Run crm-NAME from the folder crm itself is in, else from PATH, with
 * the global options before its own arguments (argv[0] is the name).
 */
static int
run(const char *name, int argc, char **argv, const char *db,
    const char *asof)
{
	char self[PATH_MAX], path[PATH_MAX + 256], prog[128];
	char **args;
	int i, n = 0;

	snprintf(prog, sizeof prog, "crm-%s", name);
	if ((args = calloc(argc + 5, sizeof *args)) == NULL)
		return crm_err(CRM_EX_SOFTWARE, NULL, "out of memory");
	args[n++] = prog;
	if (db != NULL) {
		args[n++] = "-d";
		args[n++] = (char *)db;
	}
	if (asof != NULL) {
		args[n++] = "--asof";
		args[n++] = (char *)asof;
	}
	for (i = 1; i < argc; i++)
		args[n++] = argv[i];
	if (selfdir(self, sizeof self) == 0) {
		snprintf(path, sizeof path, "%s/%s", self, prog);
		if (access(path, X_OK) == 0)
			execv(path, args);
	}
	execvp(prog, args);
	free(args);
	if (errno == ENOENT)
		return nosuch(name);
	return crm_err(CRM_EX_SOFTWARE, NULL, "%s:", prog);
}

/*
 * The page of crm-NAME (crm.1 for crm): beside the tree crm is in (the
 * source's man/ for build/bin/crm, share/man/man1 for PREFIX/bin/crm),
 * else wherever man(1) finds it.
 */
static int
help(const char *name)
{
	static const char *const where[] = { "../../man", "../share/man/man1" };
	char self[PATH_MAX], path[PATH_MAX + 256], page[128];
	size_t i;

	if (strcmp(name, "crm") == 0)
		snprintf(page, sizeof page, "crm");
	else {
		for (i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
			if (strcmp(cmds[i].name, name) == 0)
				break;
		if (i == sizeof cmds / sizeof cmds[0])
			return nosuch(name);
		snprintf(page, sizeof page, "crm-%s", name);
	}
	if (selfdir(self, sizeof self) == 0)
		for (i = 0; i < sizeof where / sizeof where[0]; i++) {
			snprintf(path, sizeof path, "%s/%s/%s.1", self,
			    where[i], page);
			if (access(path, R_OK) == 0) {
				execlp("man", "man", "-l", path, (char *)NULL);
				return crm_err(CRM_EX_SOFTWARE, NULL, "man:");
			}
		}
	execlp("man", "man", "1", page, (char *)NULL);
	return crm_err(CRM_EX_SOFTWARE, NULL, "man:");
}

int
main(int argc, char *argv[])
{
	static const struct option lopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "asof", required_argument, NULL, 'A' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ "options", no_argument, NULL, 'O' },
		{ "commands", no_argument, NULL, 'C' },
		{ NULL, 0, NULL, 0 },
	};
	struct crm_cli cli;
	const char *db = NULL, *asof = NULL;
	int c;

	crm_cli_begin(&cli, argc, argv, NULL, "");
	/*
	 * Options stop at the command ('+'): `crm add -f x` is crm-add's
	 * -f, while `crm -d x ls` gives crm-ls -d x, as git -C does.
	 */
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:hd:", lopts, NULL)) != -1) {
		switch (c) {
		case 'd':
			if (*optarg == '\0')
				return crm_err(CRM_EX_USAGE, NULL,
				    "-d: an empty path");
			db = optarg;
			break;
		case 'A':
			asof = optarg;
			break;
		case 'h':
			list(stdout);
			return crm_cli_end(&cli, CRM_EX_OK);
		case 'V':
			printf("crm %s\n", CRM_VERSION);
			return crm_cli_end(&cli, CRM_EX_OK);
		case 'O':
			/* The options above, as every command lists its own. */
			printf("option\t-h\t--help\t-\t-\tthe commands\n"
			    "option\t-d\t--db\tpath\t-\tthe store, for the "
			    "command\n"
			    "option\t-\t--asof\tdate\t-\tthe day, for the "
			    "command\n"
			    "option\t-\t--version\t-\t-\tthe version\n"
			    "option\t-\t--options\t-\t-\tthe options, one "
			    "per line, for scripts\n"
			    "option\t-\t--commands\t-\t-\tthe commands and "
			    "what each does, one per line\n"
			    "operand\t-\tcommand\tenum\thelp");
			for (size_t i = 0; i < sizeof cmds / sizeof cmds[0];
			    i++)
				printf(",%s", cmds[i].name);
			printf("\tthe command, or help and a command\n");
			return crm_cli_end(&cli, CRM_EX_OK);
		case 'C':
			/* Name, tab, what it does: for zsh's completion. */
			for (size_t i = 0; i < sizeof cmds / sizeof cmds[0];
			    i++)
				printf("%s\t%s\n", cmds[i].name, cmds[i].does);
			printf("help\t%s\n", helpdoes);
			return crm_cli_end(&cli, CRM_EX_OK);
		case ':':
			return crm_usage_err(&cli, "option %s needs an "
			    "argument", argv[optind - 1]);
		default:
			return crm_usage_err(&cli, "unknown option %s",
			    argv[optind - 1]);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1) {
		if (db != NULL || asof != NULL)
			return crm_usage_err(&cli, "the options are for a "
			    "command");
		list(stdout);
		return crm_cli_end(&cli, CRM_EX_OK);
	}
	if (strcmp(argv[0], "help") == 0) {
		if (argc < 2) {
			list(stdout);
			return crm_cli_end(&cli, CRM_EX_OK);
		}
		return help(argv[1]);
	}
	return run(argv[0], argc, argv, db, asof);
}
