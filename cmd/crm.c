/* crm: the dispatcher.  `crm add ...` runs crm-add; alone, lists commands. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crm.h"

static const char usage[] = "command [argument ...] | help command";

static const struct {
	const char	*name;
	const char	*does;
} cmds[] = {
	{ "init", "create or upgrade the store, print its path" },
	{ "config", "read and set store settings" },
	{ "add", "add records from field=value, or CSV, TSV, vCard" },
	{ "ls", "list records, filtered, with chosen fields" },
	{ "show", "one customer: profile, statistics, timeline" },
	{ "set", "change fields of records" },
	{ "rm", "delete records; --forget erases personal data" },
	{ "tag", "add, remove and list tags" },
	{ "dedupe", "find likely duplicate customers; merge them" },
	{ "tier", "assign tiers: rfm, value, presale, service" },
	{ "churn", "churn warnings; BG/NBD, Pareto/NBD fits" },
	{ "clv", "expected purchases, spend and lifetime value" },
	{ "backup", "online backup of the store, verified; restore" },
	{ "export", "everything about one customer, as JSON" },
	{ "points", "loyalty points: earn, expire, balances" },
	{ "basket", "products bought together; what to offer whom" },
	{ "due", "follow-ups due today: calls, visits, offers, complaints" },
	{ "report", "summary, segments, tiers, cohorts, SLA, forecast; HTML" },
};

static void
list(FILE *fp)
{
	size_t i;

	fprintf(fp, "usage: crm %s\ncommands:\n", usage);
	for (i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
		fprintf(fp, "  %-8s %s\n", cmds[i].name, cmds[i].does);
	fprintf(fp, "options (as --options lists them):\n"
	    "  -h, --help    the commands\n"
	    "      --version the version\n"
	    "      --options the options, one per line, for scripts\n");
	fprintf(fp, "crm help COMMAND shows its manual; see crm(1), crm(7)\n");
}

/* Run crm-NAME from the folder crm itself is in, else from PATH. */
static int
run(const char *name, char **argv)
{
	char self[PATH_MAX], path[PATH_MAX + 256], prog[128], *slash;
	ssize_t n;

	snprintf(prog, sizeof prog, "crm-%s", name);
	argv[0] = prog;
	if ((n = readlink("/proc/self/exe", self, sizeof self - 1)) > 0) {
		self[n] = '\0';
		if ((slash = strrchr(self, '/')) != NULL) {
			*slash = '\0';
			snprintf(path, sizeof path, "%s/%s", self, prog);
			if (access(path, X_OK) == 0)
				execv(path, argv);
		}
	}
	execvp(prog, argv);
	if (errno == ENOENT)
		return crm_err(CRM_EX_USAGE, NULL, "%s: no such command (crm "
		    "lists them)", name);
	return crm_err(CRM_EX_SOFTWARE, NULL, "%s:", prog);
}

int
main(int argc, char *argv[])
{
	struct crm_cli cli;
	char page[128];

	crm_cli_begin(&cli, argc, argv, NULL, "");
	if (argc < 2) {
		list(stdout);
		return crm_cli_end(&cli, CRM_EX_OK);
	}
	/* Options stop at the command: `crm add -f x` is crm-add's -f. */
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
		list(stdout);
		return crm_cli_end(&cli, CRM_EX_OK);
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("crm %s\n", CRM_VERSION);
		return crm_cli_end(&cli, CRM_EX_OK);
	}
	/* The options above, as every command's --options lists its own. */
	if (strcmp(argv[1], "--options") == 0) {
		printf("option\t-h\t--help\t-\t-\tthe commands\n"
		    "option\t-\t--version\t-\t-\tthe version\n"
		    "option\t-\t--options\t-\t-\tthe options, one per "
		    "line, for scripts\noperand\t-\tcommand\tenum\thelp");
		for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
			printf(",%s", cmds[i].name);
		printf("\tthe command, or help and a command\n");
		return crm_cli_end(&cli, CRM_EX_OK);
	}
	if (argv[1][0] == '-') {
		crm_err(0, NULL, "unknown option %s", argv[1]);
		list(stderr);
		return CRM_EX_USAGE;
	}
	if (strcmp(argv[1], "help") == 0) {
		if (argc < 3) {
			list(stdout);
			return crm_cli_end(&cli, CRM_EX_OK);
		}
		snprintf(page, sizeof page, "crm-%s", argv[2]);
		execlp("man", "man", page, (char *)NULL);
		return crm_err(CRM_EX_SOFTWARE, NULL, "man:");
	}
	return run(argv[1], argv + 1);
}
