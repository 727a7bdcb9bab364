/* crm: the dispatcher.  `crm add ...` runs crm-add; alone, lists commands. */
#include <errno.h>
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
list(const struct crm_cli *cli)
{
	char schemes[256];
	size_t i;

	crm_scheme_list(schemes, sizeof schemes);
	printf("%scommands:\n", usage);
	for (i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
		printf("  %-8s %s%s%s\n", cmds[i].name, cmds[i].does,
		    cmds[i].schemes ? ": " : "", cmds[i].schemes ? schemes :
		    "");
	crm_cli_help(cli);
	printf("crm help COMMAND shows its manual; see crm(1), crm(7)\n");
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
 * The page of crm-NAME: NAME is a command (ls, crm-ls or crm-ls.1), crm,
 * help or crm.1 for crm(1), 7 or crm.7 for crm(7).  Beside the tree crm
 * is in (the source's man/ for build/bin/crm, share/man/man1 or man7 for
 * PREFIX/bin/crm), else wherever man(1) finds it.
 */
static int
help(const char *name)
{
	static const char *const where[] = { "../../man", "../share/man/man" };
	char self[PATH_MAX], path[PATH_MAX + 256], page[128];
	const char *sect = "1", *p = name;
	size_t i, n;

	if (strncmp(p, "crm-", 4) == 0)
		p += 4;
	n = strlen(p);
	if (n > 2 && strcmp(p + n - 2, ".1") == 0)
		n -= 2;
	if (strcmp(name, "7") == 0 || strcmp(name, "crm.7") == 0) {
		snprintf(page, sizeof page, "crm");
		sect = "7";
	} else if (strcmp(name, "crm") == 0 || strcmp(name, "crm.1") == 0 ||
	    strcmp(name, "help") == 0)
		snprintf(page, sizeof page, "crm");
	else {
		for (i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
			if (strlen(cmds[i].name) == n &&
			    strncmp(cmds[i].name, p, n) == 0)
				break;
		if (i == sizeof cmds / sizeof cmds[0])
			return nosuch(p);
		snprintf(page, sizeof page, "crm-%s", cmds[i].name);
	}
	if (selfdir(self, sizeof self) == 0)
		for (i = 0; i < sizeof where / sizeof where[0]; i++) {
			snprintf(path, sizeof path, "%s/%s%s/%s.%s", self,
			    where[i], i == 0 ? "" : sect, page, sect);
			if (access(path, R_OK) == 0) {
				execlp("man", "man", "-l", path, (char *)NULL);
				return crm_err(CRM_EX_SOFTWARE, NULL, "man:");
			}
		}
	execlp("man", "man", sect, page, (char *)NULL);
	return crm_err(CRM_EX_SOFTWARE, NULL, "man:");
}

enum {
	OPT_ASOF = CRM_OPT_OWN,
	OPT_COMMANDS,
};

/* Not const: the command operand's values are cmds[]'s names. */
static struct crm_opt opts[] = {
	{ 'd', "db", CRM_ARG_PATH, "path", "the store, for the command",
	    NULL, 0, 0 },
	{ OPT_ASOF, "asof", CRM_ARG_DATE, "date", "the day, for the command",
	    NULL, 0, 0 },
	{ 'h', "help", CRM_ARG_NONE, NULL, "the commands", NULL, 0, 0 },
	{ CRM_OPT_VERSION, "version", CRM_ARG_NONE, NULL, "the version",
	    NULL, 0, 0 },
	{ OPT_COMMANDS, "commands", CRM_ARG_NONE, NULL, "the commands and "
	    "what each does, one per line", NULL, 0, 0 },
	{ 0, "command", CRM_ARG_ENUM, "command", "the command, or help and "
	    "a command", NULL, 0, 0 },
	{ 0 },
};

int
main(int argc, char *argv[])
{
	struct crm_cli cli;
	const char *db = NULL, *asof = NULL;
	char names[512];
	size_t i, len;
	int c;

	len = (size_t)snprintf(names, sizeof names, "help");
	for (i = 0; i < sizeof cmds / sizeof cmds[0] && len < sizeof names;
	    i++)
		len += (size_t)snprintf(names + len, sizeof names - len,
		    ",%s", cmds[i].name);
	opts[sizeof opts / sizeof opts[0] - 2].values = names;
	/*
	 * Options stop at the command ('+'): `crm add -f x` is crm-add's
	 * -f, while `crm -d x ls` gives crm-ls -d x, as git -C does.
	 */
	crm_cli_begin(&cli, argc, argv, opts, "+");
	while ((c = crm_cli_next(&cli)) != -1) {
		switch (c) {
		case 'd':
			db = cli.arg;
			break;
		case OPT_ASOF:
			asof = cli.arg;
			break;
		case 'h':
			list(&cli);
			return crm_cli_end(&cli, CRM_EX_OK);
		case CRM_OPT_VERSION:
			printf("crm %s\n", CRM_VERSION);
			return crm_cli_end(&cli, CRM_EX_OK);
		case OPT_COMMANDS:
			/* Name, tab, what it does: for zsh's completion. */
			for (i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
				printf("%s\t%s\n", cmds[i].name, cmds[i].does);
			printf("help\t%s\n", helpdoes);
			return crm_cli_end(&cli, CRM_EX_OK);
		default:
			return crm_usage(&cli);
		}
	}
	argc -= cli.optind;
	argv += cli.optind;
	if (argc < 1) {
		if (db != NULL || asof != NULL)
			return crm_usage_err(&cli, "the options are for a "
			    "command");
		list(&cli);
		return crm_cli_end(&cli, CRM_EX_OK);
	}
	if (strcmp(argv[0], "help") == 0) {
		if (argc < 2) {
			list(&cli);
			return crm_cli_end(&cli, CRM_EX_OK);
		}
		if (argc > 2)
			return crm_usage_err(&cli, "help: \"%s\": one page at "
			    "a time", argv[2]);
		return help(argv[1]);
	}
	return run(argv[0], argc, argv, db, asof);
}
