/*
 * libcrm: the library every crm command shares.
 *
 * The whole public API, grouped by the .c file that defines it.
 */
#ifndef CRM_H
#define CRM_H

#include <sys/types.h>

#include <getopt.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#define CRM_VERSION	"0.1.0"

/* Exit statuses: sysexits(3) values, shared by every command. */
enum crm_ex {
	CRM_EX_OK = 0,
	CRM_EX_NONE = 1,	/* nothing selected, as grep(1) */
	CRM_EX_USAGE = 64,
	CRM_EX_DATAERR = 65,	/* bad input; nothing written */
	CRM_EX_NOINPUT = 66,
	CRM_EX_SOFTWARE = 70,
	CRM_EX_IOERR = 74,
	CRM_EX_TEMPFAIL = 75,	/* store busy past the timeout */
};

/* Where an error is: any member may be NULL or 0 when unknown. */
struct crm_loc {
	const char	*file;
	long		 line;
	const char	*field;
};

/* ---- cli.c: options, errors, program name ---------------------------- */

enum crm_fmt {
	CRM_FMT_TSV,
	CRM_FMT_CSV,
	CRM_FMT_JSON,
	CRM_FMT_TABLE,
	CRM_FMT_VCARD,
	CRM_FMT_HTML,	/* crm-report: one self-contained page */
	CRM_FMT_XLSX,	/* crm-ls, crm-report: a workbook (xlsx.c) */
};

enum crm_infmt {
	CRM_IN_AUTO,
	CRM_IN_CSV,
	CRM_IN_TSV,
	CRM_IN_VCARD,
	CRM_IN_JSON,	/* JSON Lines (crm-add) */
};

/* Long-only option values handed back by crm_cli_next. */
enum {
	CRM_OPT_ASOF = 0x100,
	CRM_OPT_VERSION,
	CRM_OPT_OPTIONS,
	CRM_OPT_OWN = 0x200	/* commands number their own from here */
};

/* An ID option's min: it must be given (struct crm_opt). */
#define CRM_OPT_REQUIRED	1

/* The kind of an option's value: how libcrm parses it and --options. */
enum crm_arg {
	CRM_ARG_NONE,		/* a flag: no value */
	CRM_ARG_TEXT,		/* any text, in cli->arg */
	CRM_ARG_PATH,		/* the store's path; not empty */
	CRM_ARG_FILE,		/* a file to read or write */
	CRM_ARG_DIR,
	CRM_ARG_EXPR,		/* the filter language (crm(7)) */
	CRM_ARG_FIELDS,		/* comma-separated field names */
	CRM_ARG_SORT,		/* [-]field,... */
	CRM_ARG_ID,		/* a record's id */
	CRM_ARG_INT,		/* a whole number from min (to max), cli->num */
	CRM_ARG_DURATION,	/* 30d, 12w, 6m, 1y, 24h or bare days: days */
	CRM_ARG_SHARE,		/* 0.3 or 30%, from 0 to 1: cli->num */
	CRM_ARG_PROB,		/* the same, strictly between 0 and 1 */
	CRM_ARG_MONEY,		/* an amount, checked by the command */
	CRM_ARG_DATE,		/* crm_date_parse: cli->when */
	CRM_ARG_ENUM,		/* one of values: its index in cli->choice */
	CRM_ARG_KIND,		/* a kind of record's name */
	CRM_ARG_SETTING,	/* a store setting's key (crm-config) */
	CRM_ARG_SCHEME,		/* a tier scheme: one of scheme.c's table */
	CRM_ARG_MODEL,		/* a purchase model of model.c's table; values,
				   when set, are names the command adds */
	CRM_ARG_KEY,		/* a unique key of a kind: its fields, comma-
				   separated; --options lists every kind's */
};

/*
 * One row of a command's option table, which is all a command writes
 * about its options: libcrm derives from the table getopt's short string
 * and long array, the parsing of values (one message shape for a bad
 * one), -h (the usage line, then every option with its help), the
 * usage line of a usage error and --options (the listing completion and
 * tests/synopsis.py read).  A command declares
 *
 *	static const struct crm_opt opts[] = {
 *		{ 'F', "fields", CRM_ARG_FIELDS, "fields", "the fields to "
 *		    "print (-F help lists them)", NULL, 0, 0 },
 *		{ OPT_RATE, "rate", CRM_ARG_SHARE, "r", "the yearly "
 *		    "discount rate (default 10%)", NULL, 0, 0 },
 *		{ 'l', "limit", CRM_ARG_INT, "n", "at most n rows", NULL,
 *		    0, 0 },
 *		{ OPT_UNIT, "unit", CRM_ARG_ENUM, NULL, "the fit's time "
 *		    "unit", "day,week", 0, 0 },
 *		{ 0, "kind", CRM_ARG_KIND, "[kind]", "the kind of record "
 *		    "(default: customer)", NULL, 0, 0 },
 *		{ 0 },
 *	};
 *
 * c is the short letter, or CRM_OPT_OWN + n for a long-only option; name
 * the long name (NULL: short only).  A row with c 0 and a name is an
 * operand: meta is how the usage line shows it (in table order), and
 * --options lists it for completion.  min and max bound INT and
 * DURATION values (in days) when max > min; INT has min alone when max
 * is not above it.  --options lists the values of ENUM, of KIND (the
 * kinds), of SETTING (the keys) and of FIELDS without values (the
 * customer's fields).  The table ends with { 0 }.  An ID is a record's
 * id (with values "-", "-" too), given once; min CRM_OPT_REQUIRED makes
 * an ID option required (its usage word has no brackets).
 *
 * main() then reads
 *
 *	crm_cli_begin(&cli, argc, argv, opts, "dwoHqA");
 *	while ((c = crm_cli_next(&cli)) != -1) {
 *		switch (c) {
 *		case 'l':
 *			limit = (long)cli.num;
 *			break;
 *		case OPT_UNIT:
 *			scale = cli.choice ? 7 : 1;
 *			break;
 *		default:
 *			return crm_usage(&cli);
 *		}
 *	}
 *	if (argc - cli.optind > 1)
 *		return crm_usage_err(&cli, "\"%s\": one kind at most",
 *		    argv[cli.optind + 1]);
 *
 * and its switch holds only its own options, their values parsed.
 */
struct crm_opt {
	int		 c;
	const char	*name;
	enum crm_arg	 arg;
	const char	*meta;		/* the value's name in usage and -h */
	const char	*help;		/* one line */
	const char	*values;	/* ENUM's, comma-separated; else NULL or
					   what completion offers */
	double		 min, max;
};

/*
 * The parsed common options (crm(7), "Common options").
 * crm_cli_begin reads the environment once; nothing below it does.
 * One command line is parsed at a time, as getopt(3) parses one: the
 * next crm_cli_begin starts over.
 */
struct crm_cli_state;

struct crm_cli {
	int		 optind;
	const char	*dbpath;	/* -d, $CRM_DB or the XDG default */
	const char	*where;		/* -w */
	const char	*infile;	/* -f */
	enum crm_fmt	 fmt;		/* -o */
	enum crm_infmt	 infmt;		/* -i */
	int		 header;	/* -H */
	int		 dryrun;	/* -n */
	int		 quiet;		/* -q */
	const char	*sort;		/* -s: crm_out_order's */
	long		 limit;		/* -l; -1 when not given */
	int		 asofset;	/* --asof given */
	int64_t		 now;		/* the clock or the end of --asof */
	int		 today;		/* now is the store's today */
	int		 todaynote;	/* the command says so in a note */
	int64_t		 clock;		/* the wall clock, for the audit */
	const char	*user;		/* $CRM_USER or the login name */
	int		 busy_ms;	/* $CRM_BUSY_TIMEOUT */
	/* The value of the option crm_cli_next returned last, parsed. */
	const char	*arg;		/* its text; NULL for a flag */
	double		 num;		/* INT, DURATION (days), SHARE, PROB */
	int64_t		 when;		/* DATE, Unix seconds */
	int		 choice;	/* ENUM: the index among values */
	/* The parse under way (cli.c's): the command line, its tables. */
	struct crm_cli_state *state;
};

/*
 * Start parsing: opts is the command's table (above); common is the set
 * of common short options that apply ('A' for --asof; 's' and 'l' sort
 * and limit crm_out's rows by crm_out_order; 'V' lets -o take vcard, 'W'
 * html; '+' stops the options at the first operand).  A row of opts for
 * -h, --version or --options replaces the common one: crm_cli_next
 * returns it.
 */
void	crm_cli_begin(struct crm_cli *, int, char **,
	    const struct crm_opt *opts, const char *common);
/*
 * getopt_long over the common options and the command's table, with GNU
 * permutation; returns the command's own option (its c) with its value
 * parsed into cli, '?' after printing a usage error (an unknown option,
 * with "did you mean", a missing or bad value), -1 at the end.  Common
 * ones are handled inside; -h, --version and --options exit here.
 */
int	crm_cli_next(struct crm_cli *);
/*
 * A usage error: the one line crm_cli_next printed, else the usage line,
 * on stderr.  Returns CRM_EX_USAGE.
 */
int	crm_usage(const struct crm_cli *);
/*
 * "prog: what is wrong; try 'prog -h'" on stderr; CRM_EX_USAGE.  (Every
 * crm_err(CRM_EX_USAGE, ...) ends its line so too.)
 */
int	crm_usage_err(const struct crm_cli *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* Flush stdout; a write error becomes CRM_EX_IOERR.  Returns the status. */
int	crm_cli_end(struct crm_cli *, int rc);
/*
 * -h's list of the options and operands, each with its help, on stdout:
 * for a command whose table has its own -h (crm lists its commands).
 */
void	crm_cli_help(const struct crm_cli *);
/* err.c: the program's name, as crm_cli_begin sets it from argv[0]. */
const char *crm_progname(void);
/*
 * Print "prog: file:line: field: message" on stderr, return rc.  A format
 * ending in ':' appends strerror(errno).
 */
int	crm_err(int rc, const struct crm_loc *, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
/* A warning: the same shape, no status. */
void	crm_warn(const struct crm_loc *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

/* ---- mem.c: growing arrays ---------------------------------------------- */

/*
 * Room for element n of the array at *arrp (a pointer to the array's
 * pointer) of *cap elements of size bytes, doubling as it fills.
 * CRM_EX_OK, or CRM_EX_SOFTWARE (printed) when memory runs out; the array
 * is then as it was.
 */
int	crm_grow(void *arrp, size_t *cap, size_t n, size_t size);

/* ---- date.c: dates, times and durations -------------------------------- */
/* Days from 1970-01-01 for a civil date, and back. */
int64_t	crm_days_from_civil(int64_t y, int m, int d);
void	crm_civil_from_days(int64_t days, int64_t *y, int *m, int *d);
/* Floor of seconds to whole days since the epoch. */
int64_t	crm_day_of(int64_t secs);
/* Write YYYY-MM-DD (date) or YYYY-MM-DDTHH:MM:SSZ into buf (>= 32 bytes). */
void	crm_date_fmt(int64_t secs, char *buf, size_t);
void	crm_time_fmt(int64_t secs, char *buf, size_t);

/* A duration: 30d, 12w, 6m, 1y, 24h. */
struct crm_dur {
	int64_t	n;
	char	unit;		/* 'h', 'd', 'w', 'm', 'y' */
};
int	crm_dur_parse(const char *, struct crm_dur *, const char **why);
/* Length in seconds, months counted as 30 days and years as 365. */
int64_t	crm_dur_secs(const struct crm_dur *);
/* t plus the duration; months and years by the calendar (31 Jan + 1m is
 * 28 or 29 Feb). */
int64_t	crm_dur_after(const struct crm_dur *, int64_t t);

/* ---- money.c: exact money --------------------------------------------- */

/*
 * Revenue per order: total / n rounded half up (toward +infinity at .5),
 * with no intermediate that can overflow.  0 when n <= 0.
 */
int64_t	crm_money_avg(int64_t total, int64_t n);

/* ---- text.c: UTF-8 ------------------------------------------------------ */

/* ---- store.c: the SQLite store ------------------------------------------ */

struct sqlite3;
struct sqlite3_stmt;
struct crm_store;

enum crm_mode {
	CRM_READ,	/* the store must exist */
	CRM_WRITE,	/* created on first write; BEGIN IMMEDIATE */
	CRM_CHANGE,	/* CRM_WRITE to a store that must exist: a command
			 * that changes records never makes an empty store */
	CRM_INIT,	/* CRM_WRITE that also adopts an empty file */
	CRM_CHECK,	/* CRM_READ that never migrates (crm-init --check) */
};

#define CRM_APPLICATION_ID	0x43524d31	/* "CRM1" */
#define CRM_SCHEMA_VERSION	6

/*
 * Config keys libcrm keeps for itself begin with "crm." (crm-config
 * neither lists nor sets them): the forget key, and the flag of a forget
 * whose checkpoint is still to come.
 */
#define CRM_CONFIG_OWN		"crm."
#define CRM_CONFIG_FORGET_KEY	"crm.forget_key"
#define CRM_CONFIG_SCRUB	"crm.forget_checkpoint"
/*
 * Make the folders above path that are missing, mode 0700 whatever the
 * umask (a folder there keeps its mode); the first one made goes into top
 * (n bytes; "" when none, or top NULL), for removing them again.  -1 and
 * errno when one cannot be made.
 */
int	crm_mkparents(const char *path, char *top, size_t n);
/*
 * Commit the write transaction; CRM_EX_IOERR (printed) when the store was
 * removed or replaced meanwhile.
 */
int	crm_store_commit(struct crm_store *);
/*
 * A reader's transaction ends (its snapshot let go, temp tables kept) and
 * another begins: a long computation between the two, such as a fit,
 * holds no lock, and crm_store_begin(st, CRM_WRITE) takes the write lock
 * only for what is stored after it (BEGIN IMMEDIATE; crm_store_commit).
 */
int	crm_store_end(struct crm_store *);
int	crm_store_begin(struct crm_store *, enum crm_mode);
/* Roll back what was not committed and close.  Accepts NULL. */
void	crm_store_close(struct crm_store *);
/*
 * *same = 1 when the schema of db is exactly what crm's migrations make at
 * version v (its user_version): no table, index, view or trigger crm does
 * not make, each made by the same SQL.  Errors printed.
 */
int	crm_store_schema(struct sqlite3 *db, int64_t v, int *same);
struct sqlite3 *crm_store_db(struct crm_store *);
const struct crm_cli *crm_store_cli(struct crm_store *);
/* The currency's decimals (config "decimals", 2 by default). */
int	crm_store_decimals(struct crm_store *);
/* Map a SQLite result code to an exit status, printing the error. */
int	crm_sqlerr(struct crm_store *, int rc);
/* Prepare SQL; on failure print and return the status. */
int	crm_prepare(struct crm_store *, const char *sql,
	    struct sqlite3_stmt **);
/*
 * Run a prepared statement that returns no rows, then reset it for the
 * next bindings: CRM_EX_OK or the error's status (printed).
 */
int	crm_step(struct crm_store *, struct sqlite3_stmt *);
/* Run SQL with no result rows (no parameters). */
int	crm_exec(struct crm_store *, const char *sql);
/* The first column of the first row of SQL, nbind int64_t bound to ?1.. */
int	crm_query_int(struct crm_store *, int64_t *out, const char *sql,
	    int nbind, ...);
/* Append an audit entry: kind and detail may be NULL, record 0 for none. */
int	crm_audit(struct crm_store *, const char *kind, int64_t record,
	    const char *action, const char *detail);
/* Config: *out is malloc'd, NULL when unset. */
int	crm_config_get(struct crm_store *, const char *key, char **out);
int	crm_config_set(struct crm_store *, const char *key, const char *value);
int	crm_config_unset(struct crm_store *, const char *key, int *found);
/*
 * After the commit of a forget: checkpoint the WAL into the store and
 * truncate it, waiting the busy timeout for readers.  CRM_EX_OK when
 * done; printing nothing, CRM_EX_TEMPFAIL when a reader still holds an
 * older snapshot, CRM_EX_IOERR when the checkpoint failed to read or
 * write (sqlite3_errmsg says why).  The erasure is committed either way
 * and the next writer's commit finishes it: the caller says so.
 */
int	crm_store_scrub(struct crm_store *);

/* ---- hooks.c: what the store runs for other concerns ------------------- */
/*
 * crm_store_open_hooks with crm's hooks (the statistics, the churn
 * models' SQL function, forget's key): the store as the commands use it.
 * store.c names none of them, so no concern's module and the store's
 * depend on each other (tests/modules.t).
 */
int	crm_store_open(struct crm_store **, struct crm_cli *,
	    enum crm_mode);

/* ---- stats.c: per-customer statistics ----------------------------------- */

/*
 * Mark a customer whose statistics the commit must recompute; customer 0
 * only prepares the mark table.
 */
int	crm_stats_touch(struct crm_store *, int64_t customer);

/* Recompute the statistics of every touched customer, set-wise. */
int	crm_stats_refresh(struct crm_store *);
/* Recompute every customer's statistics from the history. */
int	crm_stats_rebuild(struct crm_store *);
/* *hist = 1 when --asof is before the newest history: metrics from it. */
int	crm_stats_historic(struct crm_store *, int *hist);

/* ---- settings.c, settings-all.c: the settings crm knows ---------------- */

struct crm_setting {
	const char	*key;
	const char	*def;	/* NULL: no default */
	const char	*help;
	int		 check;	/* what it accepts (crm-int.h) */
};

/*
 * Every setting crm knows: settings.c's, each scheme's among them (from
 * its file), as crm-config lists them; NULL past the last, or no such key.
 */
const struct crm_setting *crm_setting_find(const char *key);
const struct crm_setting *crm_setting_nth(int);
/* 1 when v is a value the setting accepts. */
int	crm_setting_valid(const struct crm_setting *, const char *v);
/* The stored value, else the default ("" when neither). */
int	crm_setting_get(struct crm_store *, const char *key, char *, size_t);
/* One follow-up of a cadence: what (offer, online, visit) every days. */
struct crm_cadence {
	const char	*what;
	int		 days;
};
/* Parse "online:7,visit:14" into up to max; the count, -1 if malformed. */
int	crm_cadence_parse(const char *, struct crm_cadence *, int max);
/* A setting that is one number (CRM_EX_DATAERR, printed, when not). */
int	crm_setting_num(struct crm_store *, const char *key, double *);
/* Up to max comma-separated numbers of v; their count, -1 if malformed. */
int	crm_setting_numbers(const char *v, double *, int max);
/*
 * v as the setting stores it, into buf of size bytes: a list of shares
 * written with 30% becomes 0.3 (readers see fractions only); anything
 * else as it is.  -1 when it does not fit.
 */
int	crm_setting_norm(const struct crm_setting *, const char *v, char *,
	    size_t);

/* ---- kind.c: the record kinds ------------------------------------------- */

enum crm_type {
	CRM_T_ID,	/* INTEGER PRIMARY KEY */
	CRM_T_TEXT,
	CRM_T_INT,	/* with a range */
	CRM_T_ENUM,	/* one of values */
	CRM_T_DATE,	/* Unix seconds at 00:00 UTC; printed YYYY-MM-DD */
	CRM_T_TIME,	/* Unix seconds; printed ISO 8601 */
	CRM_T_MONEY,	/* minor units */
	CRM_T_EMAIL,
	CRM_T_PHONE,
	CRM_T_REAL,
	CRM_T_DAYS,	/* a count of days (metrics); accepts durations */
	CRM_T_REF,	/* the id of a record of refkind */
};

enum {
	CRM_F_REQUIRED = 1 << 0,	/* a new record needs it */
	CRM_F_PERSONAL = 1 << 1,	/* erased by --forget */
	CRM_F_UNIQUE = 1 << 2,		/* unique (normalised) key */
	CRM_F_READONLY = 1 << 3,	/* not set by crm-add / crm-set */
	CRM_F_NOW = 1 << 4,		/* defaults to now */
	CRM_F_REFKEY = 1 << 6,		/* names the customer by its ref */
	CRM_F_METRIC = 1 << 7,		/* a statistic (crm-show lists it) */
	CRM_F_DERIVED = 1 << 8,		/* written from another field */
	/*
	 * When something happened: a write refuses a time before 1900 or
	 * after the end of tomorrow (UTC) by the real clock, not --asof.
	 */
	CRM_F_EVENT = 1 << 9,
	CRM_F_LIST = 1 << 10,		/* comma-joined; a JSON array */
};

struct crm_field {
	const char		*name;		/* as users write it */
	/* stored column; NULL: a metric, or computed (crm-int.h) */
	const char		*column;
	enum crm_type		 type;
	int64_t			 min, max;	/* CRM_T_INT range; a REAL
						   of max 1 is a share */
	const char *const	*values;	/* CRM_T_ENUM */
	const char		*refkind;	/* kind it refers to */
	unsigned		 flags;
	const char		*json;		/* JSON member name */
	const char		*vcard;		/* vCard property, or NULL */
};

struct crm_kind_def;

struct crm_kind {
	const char		*name;
	const struct crm_field	*fields;	/* id first */
	int			 nfields;
	const char		*deflist;	/* crm-ls default fields */
	int			 attrs;		/* takes attr.KEY */
	int			 tags;		/* takes tag.NAME */
	/*
	 * A unique key of several fields, comma-separated: unique among the
	 * records whose first field is set (the schema's index says so too).
	 * NULL when none.
	 */
	const char		*key;
	/* Its table, its SQL, its checks: libcrm's (crm-int.h). */
	const struct crm_kind_def *def;
};

/*
 * *k the kind named name, else CRM_EX_USAGE after saying so, with the
 * nearest name or the list of them.
 */
int	crm_kind_get(const char *name, const struct crm_kind **k);
const struct crm_kind *crm_kind_customer(void);
/* The n-th kind, NULL past the last. */
const struct crm_kind *crm_kind_nth(int);
/* The field of k referring to a customer, NULL for customers. */
const struct crm_field *crm_kind_owner(const struct crm_kind *);
/* The field called name, or NULL. */
const struct crm_field *crm_kind_field(const struct crm_kind *,
	    const char *name);
int	crm_kind_index(const struct crm_kind *, const struct crm_field *);
/* 1 when name is a valid attribute key ("attr.KEY" minus "attr."). */
int	crm_attr_key_valid(const char *key);
/* 1 when name is a valid tag name. */
int	crm_tag_valid(const char *name);

/* 1 when a writer may set f (crm-add, crm-set, crm-import). */
int	crm_kind_writable(const struct crm_field *);
/* The field a writer may set nearest name (crm_suggest), or NULL. */
const char *crm_kind_near(const struct crm_kind *, const char *name);
/*
 * A first operand that may name a kind (crm-set, crm-rm): *k that kind,
 * or NULL when word is none (an id, field=value); a word one slip from a
 * kind's name is a usage error with the name it meant.
 */
int	crm_kind_operand(const char *word, const struct crm_kind **k);

/* ---- csv.c: reading CSV and TSV through libcsv -------------------------- */

struct crm_csv;

/*
 * Open path ("-" for stdin).  fmt CRM_IN_AUTO takes TSV when the header
 * line holds a tab.  A folder is read as vCards, its *.vcf files in the
 * order of their names.  Returns CRM_EX_NOINPUT for a missing file.
 */
int	crm_csv_open(struct crm_csv **, const char *path, enum crm_infmt);
/*
 * Read the next record: *nf fields in *fv (NULL for an empty field), valid
 * until the next call; *line is where the record starts (the header being
 * line 1).  Returns CRM_EX_OK, CRM_EX_NONE at the end, or an error
 * (printed).
 */
int	crm_csv_next(struct crm_csv *, int *nf, char ***fv, long *line);
const char *crm_csv_name(const struct crm_csv *);
/* Bytes read so far and the file's size (0 when unknown). */
void	crm_csv_progress(const struct crm_csv *, int64_t *done,
	    int64_t *total);
void	crm_csv_close(struct crm_csv *);
/* 1 when the input is read as vCards. */
int	crm_csv_vcard(const struct crm_csv *);
/* For vCards: the store they go to (see crm_vcard_store). */
void	crm_csv_store(struct crm_csv *, struct crm_store *);

/* ---- jsonl.c: reading JSON Lines through json-c ------------------------ */

struct crm_jsonl;

/* A member of a line's object. */
enum crm_jtype {
	CRM_J_NULL,
	CRM_J_TEXT,	/* a string, or a number as it was written */
	CRM_J_LIST,	/* an array of names: value joined by commas */
	CRM_J_OTHER,	/* true, false, an object, another array */
};
struct crm_jmember {
	const char	*name;
	const char	*value;	/* NULL but for text or a list */
	enum crm_jtype	 type;
};

/* Open path ("-" for stdin); CRM_EX_NOINPUT for a missing file. */
int	crm_jsonl_open(struct crm_jsonl **, const char *path);
/*
 * The members of the next line's object, valid until the next call (blank
 * lines skipped); *line its line.  CRM_EX_OK, CRM_EX_NONE at the end, or
 * CRM_EX_DATAERR (printed, file:line) for a line that is not one object.
 */
int	crm_jsonl_next(struct crm_jsonl *, int *n,
	    const struct crm_jmember **, long *line);
const char *crm_jsonl_name(const struct crm_jsonl *);
void	crm_jsonl_close(struct crm_jsonl *);

/* ---- norm.c: keys of likely duplicates ------------------------------- */

/* ---- dedupe.c: likely duplicates and merges ------------------------- */

/* Call fn for each likely duplicate pair (ids ascending); counts them. */
int	crm_dedupe_pairs(struct crm_store *, int (*fn)(void *, int64_t,
	    int64_t, double score, const char *reason), void *, long *);
/* Fold drop[] into keep: history, tags, attributes, empty fields. */
int	crm_merge(struct crm_store *, int64_t keep, const int64_t *drop,
	    size_t, int64_t *merge);
/*
 * Restore what merge changed, exactly.  A snapshot holding a forgotten
 * value is refused (crm_forgotten_merge) unless allow_forgotten.
 */
int	crm_merge_undo(struct crm_store *, int64_t merge,
	    int allow_forgotten);

/* ---- scheme.c, tier.c, tier-*.c: tier schemes ------------------------ */

struct crm_scheme_def;

/*
 * A tier scheme: its file in libcrm (tier-NAME.c) defines it, and one row
 * of scheme.c's table makes it known to crm-tier, crm-report, crm-due, the
 * filter's tier.NAME and the lists in help and errors.  Its settings
 * (tier.NAME.*, cadence.NAME.*) are rows in its file, which crm-config
 * lists and checks with the others (crm_setting_nth).
 */
struct crm_scheme {
	const char		*name;
	const char		*does;		/* one line, for help */
	int			 window;	/* takes --window (since) */
	char			 score;		/* n: a number; s: text */
	/*
	 * Grades with follow-ups (crm-due): the letters of its cadence
	 * settings cadence.NAME.X, highest grade first ("ABC"), whose
	 * labels tier.NAME.labels holds lowest first; NULL when none.
	 */
	const char		*cadence;
	/* Its SQL and its settings: libcrm's (crm-int.h). */
	const struct crm_scheme_def *def;
};

/* scheme.c: the n-th scheme of the table, NULL past the last. */
const struct crm_scheme *crm_scheme_nth(int);
/* The scheme named name, NULL if none. */
const struct crm_scheme *crm_scheme_find(const char *name);
/*
 * *sch the scheme named name, else CRM_EX_USAGE after saying so, with
 * opt first ("--scheme"; may be NULL) and the nearest name or the list.
 */
int	crm_scheme_get(const char *opt, const char *name,
	    const struct crm_scheme **sch);
/* "rfm, value, presale, service" into buf. */
void	crm_scheme_list(char *buf, size_t n);
/*
 * Assign tiers of a scheme into temp.tnew (customer, tier, score) as of
 * now; a scheme with a window counts purchases after since (INT64_MIN:
 * all).  With store, they become a run (*run its id).  *n: customers
 * assigned.
 */
int	crm_tier_assign(struct crm_store *, const struct crm_scheme *,
	    int64_t since, int store, int64_t *run, long *n);

/* ---- rule.c: rule tags -------------------------------------------------- */

/* Define or redefine the rule of tag: a filter over customers. */
int	crm_rule_define(struct crm_store *, const char *tag, const char *expr);
/* Drop a rule, and the tags it set. */
int	crm_rule_drop(struct crm_store *, const char *tag);
/* Apply every rule as of now; fn sees each change (+1 added, -1 removed). */
int	crm_rule_apply(struct crm_store *, int (*fn)(void *, int64_t,
	    const char *, int), void *, long *changes);

/* ---- model.c: BG/NBD, Pareto/NBD, MBG/NBD, Gamma-Gamma ----------------- */

enum crm_model { CRM_BGNBD, CRM_PNBD, CRM_MBGNBD, CRM_GG, CRM_NMODELS };

struct crm_model_info {
	const char	*name;		/* bgnbd pnbd mbgnbd gg */
	/* BG/NBD, Pareto/NBD, MBG/NBD, Gamma-Gamma */
	const char	*title;
	int		 np;		/* 4, 4, 4, 3 */
	/* r alpha a b | r alpha s beta | p q gamma */
	const char	*param[4];
};
const struct crm_model_info *crm_model_info(enum crm_model);
/* 0 and *m set, or -1 for an unknown name. */
int	crm_model_parse(const char *name, enum crm_model *m);
/*
 * *m the purchase model (any but gg) named name, else CRM_EX_USAGE after
 * saying so: opt first, then the nearest name or the list of them, extra
 * (a name the caller takes itself, or NULL) listed first.
 */
int	crm_model_get(const char *opt, const char *name, const char *extra,
	    enum crm_model *m);

/* Compressed sufficient statistics: purchase models x, tx, T (in the fit's
 * unit) with weight n; Gamma-Gamma x and m_x (in tx) with weight n. */
struct crm_triple { double x, tx, T, n; };

/* A fit, fitted or stored. */
struct crm_fit {
	enum crm_model	 model;
	int		 scale;		/* days per unit: 1 day, 7 week */
	/* se: NAN when unknown (a stored fit) */
	double		 p[4], se[4];
	double		 ll;		/* log-likelihood */
	double		 n;		/* customers (sum of weights) */
	int64_t		 asof;		/* the --asof time (unix seconds) */
	int		 iter;		/* iterations; 0 for a stored fit */
	double		 gnorm;		/* final gradient norm (log params) */
};
double	crm_model_palive(enum crm_model, const double *p, double x,
	    double tx, double T);
/* Expected purchases in the next t (the same unit as tx, T). */
double	crm_model_expected(enum crm_model, const double *p, double x,
	    double tx, double T, double t);
/* Both: *pa P(alive), *ex the expected purchases in t (one P(alive)). */
void	crm_model_score(enum crm_model, const double *p, double x,
	    double tx, double T, double t, double *pa, double *ex);
/* Gamma-Gamma: expected spend per transaction given x repeat ones of mean mx;
 * x = 0: the population mean p*gamma/(q-1). */
double	crm_gg_spend(const double *p, double x, double mx);
/* Discounted CLV over horizon days at yearly rate (documented convention:
 * the horizon is cut into ceil(horizon/30) equal steps; each step's expected
 * purchases times spend is discounted by (1+rate)^(t_end/365)).
 * f->scale converts days to the fit's unit. */
double	crm_model_clv(const struct crm_fit *f, double x, double tx_days,
	    double T_days, double spend, double horizon_days, double rate);
/* Maximum likelihood by BFGS on log parameters from a data-driven start.
 * CRM_EX_OK, or CRM_EX_DATAERR (65) after reporting with crm_err what the
 * data lack (no convergence, a parameter running to a boundary), and the fit
 * must not be used. progress: print iterations and LL to stderr.
 * Sets model, p, se, ll, n, iter and gnorm; scale and asof are the
 * caller's. */
int	crm_model_fit(enum crm_model, const struct crm_triple *, size_t n,
	    struct crm_fit *, int progress);

/* ---- dtoa.c: numbers printed exactly, fast ------------------------------ */

/*
 * v as printf("%.17g", v) prints it, byte for byte, into buf (at least
 * CRM_G17_SIZE bytes, NUL-terminated); the length.  About ten times
 * faster than glibc for 1e-39 <= |v| < 1e17, printf's own path otherwise.
 */
#define CRM_G17_SIZE	32
int	crm_g17(char *buf, double v);

/* ---- churn.c: summaries and stored fits ------------------------------- */

/*
 * temp.summ (customer, x, tx, T in days, repeat: value of the repeat
 * days, computed when repeat is 1).
 */
int	crm_summary(struct crm_store *, int repeat);
/*
 * The text formats of crm-churn(1) FORMATS.  Times in summaries and counts
 * are whole days; a reader converts them to a fit's unit (crm_unit_conv:
 * v in units of from days into units of to days).
 */
double	crm_unit_conv(double v, int from, int to);
/* The mean repeat spend in currency units: repeat in the smallest units. */
double	crm_summary_mx(int64_t repeat, int64_t x, double unit);
/*
 * Print KEY x t_x T m_x day lines, KEY the id or with byref the ref (a
 * customer without one is CRM_EX_DATAERR, printed, before any line).
 */
int	crm_summary_print(struct crm_store *, int byref);
/* Print the counts: x t_x T n lines, or with gg x m_x n lines. */
int	crm_counts_print(struct crm_store *, int gg);
/*
 * The counts of temp.summ as triples for model m (crm_summary first, with
 * repeat for Gamma-Gamma), times in units of scale days; above sample
 * customers (0: never) those at places 0, k, 2k ... in id order, k =
 * ceil(customers / sample).  *all: the customers there are.
 */
int	crm_summary_triples(struct crm_store *, enum crm_model m, int scale,
	    int64_t sample, struct crm_triple **, size_t *n, int64_t *all);
/*
 * The same counts in the caller's read transaction, with no crm_summary
 * before: straight from the statistics when the history up to now is all
 * there is, else from crm_summary's temp.summ.  *any: the customers with
 * a purchase.
 */
int	crm_counts_load(struct crm_store *, enum crm_model m, int scale,
	    int64_t sample, struct crm_triple **, size_t *n, int64_t *all,
	    int64_t *any);
/*
 * Counts lines from the file path ("-": standard input), merged by key and
 * sorted, for a fit: no file is CRM_EX_NOINPUT, no counts in it
 * CRM_EX_NONE, each said on stderr.
 */
int	crm_counts_file(const char *path, enum crm_model m, int scale,
	    struct crm_triple **, size_t *n);
/* A summary line as read: key points into the line. */
struct crm_summ {
	char	*key;
	double	 x, tx, T, mx;	/* mx 0 when the line has none */
	int	 scale;		/* days per unit of tx and T */
};
/*
 * Read one summary line of 4 to 6 fields (4 and 5 in units of scale days,
 * the 6th names the unit) into *line.  CRM_EX_OK, CRM_EX_NONE at the end,
 * CRM_EX_DATAERR (reported at at) for a line that is not a summary.
 * Blank lines are skipped; at->line counts every line.
 */
int	crm_summary_read(FILE *fp, char **line, size_t *cap,
	    struct crm_loc *at, int scale, struct crm_summ *);
/* A fit in the model file format; crm_fit_save writes one to a file. */
void	crm_fit_print(FILE *, const struct crm_fit *);
int	crm_fit_save(const char *path, const struct crm_fit *);
/*
 * What crm-churn and crm-clv share of their options, as their parsers fill
 * it in: what to do (one of fit, summary, counts, in, backtest), and where
 * a fit to score with comes from when not from the store.
 */
struct crm_fitopts {
	const char	*model;		/* -m; NULL: any purchase model */
	int		 scale;		/* --unit: 1 day, 7 week */
	int		 fit, summary, counts;
	int		 in;		/* --stdin */
	int		 backtest;	/* crm-churn's */
	int		 byref;		/* --key ref */
	const char	*params;	/* --params */
	const char	*save;		/* --save */
	const char	*from;		/* --from-counts */
	const char	*files[16];	/* --model-file */
	int		 nfiles;
};
/* What is wrong with the shared options together, or NULL. */
const char *crm_fitopts_conflict(const struct crm_fitopts *);
/*
 * The fits of op's --model-file files: the last block of model m (without
 * -m, of any purchase model) into *f and, unless g is NULL, the last
 * Gamma-Gamma block into *g.  CRM_EX_OK, else the error, printed: a
 * file's with file:line, or CRM_EX_DATAERR when no block fits.
 */
int	crm_fit_pick(const struct crm_fitopts *op, enum crm_model m,
	    struct crm_fit *f, struct crm_fit *g);
/*
 * Store a fit, as fitted at the --asof day on f->n customers, in a write
 * transaction of its own: the caller holds none (crm_store_end first, and
 * fit outside any), so the write lock is held for milliseconds.
 */
int	crm_fit_store(struct crm_store *, const struct crm_fit *);
/*
 * The newest fit of model (NULL: of any model of purchases, not the
 * Gamma-Gamma spend); CRM_EX_NONE when there is none.
 */
int	crm_fit_load(struct crm_store *, const char *model,
	    struct crm_fit *);
/* The median of n (> 0) values in ascending order. */
double	crm_median(const int64_t *, size_t n);
/*
 * The churn heuristic as of now: fn sees each customer with two or more
 * purchase days whose days since the last (since) exceed k times the
 * median gap (med) between them, by id.
 */
int	crm_churn_heuristic(struct crm_store *, int (*fn)(void *, int64_t id,
	    int64_t since, double med, double k), void *);

/* ---- basket.c: FP-growth ----------------------------------------------- */

struct crm_itemset {
	int	*items;		/* sorted item ids */
	int	 n;
	int	 count;		/* transactions holding all of them */
};
struct crm_fp;

/*
 * Items are 0 .. nitems-1; rank[item] orders the frequent ones (0 the
 * most frequent) and is -1 for the others; minsup is a count.
 */
struct crm_fp *crm_fp_new(int nitems, int minsup, const int *rank);
/* Add one transaction (items may repeat; reordered in place). */
int	crm_fp_add(struct crm_fp *, int *items, int n);
/* Every frequent itemset with its count; the array and items are the
 * caller's to free. */
int	crm_fp_mine(struct crm_fp *, struct crm_itemset **, size_t *);
void	crm_fp_free(struct crm_fp *);
/*
 * p1 / q1 against p2 / q2 (q1, q2 > 0), exactly: -1, 0 or 1.  Rules are
 * ordered on their counts with it: equal ratios of different counts round
 * to different doubles (the lifts 1.8000000000000003 and
 * 1.7999999999999998 of A => C and C => A), and near ones to the same.
 */
int	crm_ratio_cmp(uint64_t p1, uint64_t q1, uint64_t p2, uint64_t q2);

/* ---- vcard.c: vCard 4.0 out, 3.0 and 4.0 in ---------------------------- */

/*
 * The columns a card reads as: ref name email phone company city region
 * country birthday notes (the first CRM_VCARD_NOUT, which a card is also
 * written from), id (a UID crm made for this store), tags (CATEGORIES
 * that are tag names) and the attr.vcard.* columns of what else is kept.
 */
#define CRM_VCARD_NOUT	10
struct crm_vcard;
struct crm_vcard_out;

/*
 * Cards of a store's customers, to stdout or, with dir, one file each in
 * dir named by the SHA-256 of the UID (made when missing).
 */
int	crm_vcard_out_open(struct crm_vcard_out **, struct crm_store *,
	    const char *dir);
/*
 * Write customer id's card from values by crm_vcard_fields (NULL: unset),
 * with its manual tags and attr.vcard.* attributes.
 */
int	crm_vcard_out_put(struct crm_vcard_out *, int64_t id,
	    const char *const v[CRM_VCARD_NOUT]);
void	crm_vcard_out_close(struct crm_vcard_out *);

/* ---- out.c: the writers -------------------------------------------------- */

enum crm_vt {
	CRM_V_NULL,
	CRM_V_STR,
	CRM_V_NUM,	/* printed bare in JSON */
	CRM_V_BOOL,
	CRM_V_LIST,	/* comma-separated: an array of strings in JSON */
	CRM_V_JSON,	/* JSON text, written as it is in JSON */
	CRM_V_MONEY,	/* an amount: a number with its minor digits, right */
	CRM_V_KEY,	/* text naming a record (ref, e-mail): never cut */
};

struct crm_out;

/*
 * Start output of ncols columns called names to fp; fp NULL (-q): rows are
 * taken and nothing is written.  Nothing is written before the first row
 * or crm_out_free (csv's header, tsv's with header), so that a usage error
 * of crm_out_order comes before any output.
 */
struct crm_out *crm_out_new(FILE *, enum crm_fmt, int header, int ncols,
	    const char *const *names);
/* One cell of the current row; the writer copies what it keeps. */
void	crm_out_cell(struct crm_out *, enum crm_vt, const char *);
void	crm_out_endrow(struct crm_out *);
/* A number cell formatted with fmt, like "%.4f". */
void	crm_out_num(struct crm_out *, const char *fmt, double);
/*
 * -s and -l: sort the rows by the columns of sort ("[-]name,...", -
 * descending; numbers as numbers, empty cells last) and write at most
 * limit of them (-1: all).  sort may be NULL.  CRM_EX_USAGE, printed,
 * for a column the output has not.
 */
int	crm_out_order(struct crm_out *, const char *sort, long limit);
/* Flush (table output is laid out here) and free.  Accepts NULL. */
void	crm_out_free(struct crm_out *);
/* Write s escaped for TSV, and as a JSON string. */
void	crm_tsv_put(FILE *, const char *);
void	crm_json_put(FILE *, const char *);

/* ---- xlsx.c: spreadsheets (libxlsxwriter) ------------------------------ */

/* How a number cell shows. */
enum crm_xt {
	CRM_X_NUM,	/* as it is */
	CRM_X_INT,
	CRM_X_MONEY,	/* in the store's currency format */
	CRM_X_SHARE,	/* a fraction, shown as a percentage */
	CRM_X_DATE,	/* from Unix seconds: a date */
	CRM_X_TIME,	/* from Unix seconds: a date and time (UTC) */
	CRM_X_BOOL,	/* 0 false, else true */
};

struct crm_xlsx;

/*
 * A workbook to path, or with path NULL to standard output (through a
 * temporary file; CRM_EX_USAGE, printed, when it is a terminal).  Money
 * shows with currency (an ISO 4217 code, or NULL) and decimals.
 */
int	crm_xlsx_open(struct crm_xlsx **, const char *path,
	    const char *currency, int decimals);
/*
 * The next sheet, called name (made valid and unique), of ncols columns
 * called cols; title (NULL: none) and note above the header.
 */
int	crm_xlsx_sheet(struct crm_xlsx *, const char *name, const char *title,
	    const char *note, int ncols, const char *const *cols);
/* The next cell of the row: text (never a formula; NULL: empty), a number. */
void	crm_xlsx_text(struct crm_xlsx *, const char *);
void	crm_xlsx_num(struct crm_xlsx *, enum crm_xt, double);
/* End the row; a full sheet goes on in another.  The status so far. */
int	crm_xlsx_endrow(struct crm_xlsx *);
/*
 * Write the workbook (rc CRM_EX_OK, or CRM_EX_NONE: nothing selected) or
 * drop it, and free; accepts NULL.
 * Returns rc, else the first error.
 */
int	crm_xlsx_close(struct crm_xlsx *, int rc);


/* ---- redact.c: masks for pages that travel ----------------------------- */

enum crm_mask {
	CRM_MASK_NONE,
	CRM_MASK_NAME,	/* John Smith: J*** S****, each word's first letter */
	CRM_MASK_EMAIL,	/* john@example.com: j***@example.com */
	CRM_MASK_PHONE,	/* +34 91 342 8228: +** ** *** **28 */
};

/*
 * The mask of a field (f), or of an attr.KEY column (f NULL, col its
 * name): name, e-mail and phone fields and their match keys; attributes
 * whose key says mail, tel, phone or name (attr.vcard.email.2).
 */
enum crm_mask crm_field_mask(const struct crm_field *f, const char *col);

/* ---- page.c: reports' tables, as text or one HTML page --------------- */

/* How a table is drawn besides its rows (table bars, HTML charts). */
enum crm_chart {
	CRM_CH_NONE,
	CRM_CH_BAR,	/* a bar per row of val, labelled by column 0 */
	CRM_CH_COLUMNS,	/* columns over time: val and val2 */
	CRM_CH_HEAT,	/* a heat map of the columns from val */
};

/*
 * A page: the tables of the reports in order, written in one format.  Its
 * tables and itself are opaque (crm-int.h): commands make and fill them
 * through the functions below.  Every crm_tab_ function accepts a NULL
 * table (crm_tab_new's when out of memory, which the page remembers:
 * crm_page_oom) and does nothing then (or returns NULL).
 */
struct crm_page;
struct crm_tab;

/* A headline figure of the HTML page: as of now and a --window before. */
enum crm_tile_kind {
	CRM_TILE_COUNT,
	CRM_TILE_MONEY,		/* in minor units */
	CRM_TILE_SHARE,		/* 0 to 1, shown as a percentage */
	CRM_TILE_SCORE,		/* NPS, CSAT: points */
};

struct crm_tile {
	const char	*label;
	enum crm_tile_kind kind;
	int		 flow;		/* over the window, not as of its end */
	int		 has[2];	/* now, before: known */
	double		 v[2];
};

#define CRM_TILES	8

/*
 * An empty page of money with decimals; redact: keep crm_tab_mask's
 * columns masked.  NULL when out of memory.
 */
struct crm_page *crm_page_new(int decimals, int redact);
/*
 * HTML only: the store and the -w expression its heading names, and the
 * currency of its money (each copied; NULL: none).
 */
void	crm_page_html(struct crm_page *, const char *store, const char *where,
	    const char *currency);
/* The page's note, above its tables (table and html). */
void	crm_page_note(struct crm_page *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* The report whose tables crm_tab_new makes from now on (copied). */
void	crm_page_report(struct crm_page *, const char *name);
/*
 * HTML only: the headline tiles (n at most CRM_TILES, labels copied),
 * window days apart.
 */
void	crm_page_tiles(struct crm_page *, const struct crm_tile *, int n,
	    double window);
/* 1 once something could not be kept for want of memory. */
int	crm_page_oom(const struct crm_page *);
/*
 * A new last table of the page's report (crm_page_report; none: name),
 * called name within it; types has 'n' for a number column, 's' for text.
 */
struct crm_tab *crm_tab_new(struct crm_page *, const char *name,
	    const char *title, int ncols, const char *const *cols,
	    const char *types);
/* The page's tables in order: the first (NULL: none), the next. */
struct crm_tab *crm_page_tabs(const struct crm_page *);
struct crm_tab *crm_tab_next(const struct crm_tab *);
/* A table's name, and its report's. */
const char *crm_tab_name(const struct crm_tab *);
const char *crm_tab_report(const struct crm_tab *);
/* What the numbers rest on: under the title (table, html, xlsx). */
void	crm_tab_note(struct crm_tab *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/*
 * Column c holds names, e-mails or phones: on a page with redact set its
 * cells are kept masked (crm_redact), whatever the format.
 */
void	crm_tab_mask(struct crm_tab *, int c, enum crm_mask);
/* Draw it as chart of column val (a heat map's shades: from val). */
void	crm_tab_chart(struct crm_tab *, enum crm_chart, int val);
/* A bar or columns chart's second series: column c beside val. */
void	crm_tab_val2(struct crm_tab *, int c);
/*
 * A heat map's shades from column scale on (the columns before it are
 * shown unshaded); pct: its cells are shares, headed as percentages.
 */
void	crm_tab_heat(struct crm_tab *, int scale, int pct);
/* HTML: the title of a chart's x axis (copied). */
void	crm_tab_axis(struct crm_tab *, const char *title);
/* HTML: the label of a row whose first cell is unset ("(none)"). */
void	crm_tab_none(struct crm_tab *, const char *label);
/* The next cell: text, printf-made, a count, money, part / whole with 4
 * decimals (unset when whole is 0), or column c of a row (money: minor
 * units). */
void	crm_tab_cell(struct crm_tab *, const char *);
void	crm_tab_cellf(struct crm_tab *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
void	crm_tab_int(struct crm_tab *, int64_t);
void	crm_tab_money(struct crm_tab *, int64_t);
void	crm_tab_share(struct crm_tab *, double part, double whole);
/* A share already divided: 4 decimals, a percentage in HTML and xlsx. */
void	crm_tab_frac(struct crm_tab *, double);
void	crm_tab_col(struct crm_tab *, struct sqlite3_stmt *, int c, int money);
/* Write every table in fmt (html: one page as of asof). */
void	crm_page_write(struct crm_page *, FILE *, enum crm_fmt, int64_t asof);
/* One table alone, as its page would write it (tsv, csv or json). */
void	crm_tab_write(struct crm_tab *, FILE *, enum crm_fmt);
/* Keep table t alone in the page (the others are freed). */
void	crm_page_only(struct crm_page *, struct crm_tab *t);
/*
 * The page as a workbook (crm_xlsx_open's path and currency): a sheet
 * per table, called report.table (report alone when they are the same),
 * its title and note above the header.
 */
int	crm_page_xlsx(struct crm_page *, const char *path,
	    const char *currency);
/* The page and its tables; accepts NULL. */
void	crm_page_free(struct crm_page *);


/* ---- query.c: SQL text with bound values -------------------------------- */

/* A bound value (crm-int.h). */
struct crm_bind;

/* SQL text grown piecewise; ?1 is "now", other values bound as ?N. */
struct crm_sql {
	char		*buf;
	size_t		 len, cap;
	struct crm_bind	*b;
	int		 nb, capb;
	int		 hist;	/* metrics from history up to ?1 (metric.c) */
};

void	crm_sql_add(struct crm_sql *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* Append a placeholder ?N bound to a value. */
void	crm_sql_text(struct crm_sql *, const char *);
void	crm_sql_int(struct crm_sql *, int64_t);
/*
 * Append " FROM " and the records of kind k, aliased c (a customer's
 * statistics joined as s).
 */
void	crm_sql_from(struct crm_sql *, const struct crm_kind *);
int	crm_sql_prepare(struct crm_store *, struct crm_sql *,
	    struct sqlite3_stmt **);
void	crm_sql_free(struct crm_sql *);

/* ---- metric.c: the statistics of a customer's history -------------------- */
/*
 * Append "SELECT customer, NAME..." of the metrics in names ("recency,
 * frequency"), all from one kind of history: a row per customer with
 * history of it (after since, unless INT64_MIN) up to ?1.  From the
 * stats table when that can tell (no q->hist, since INT64_MIN, every
 * statistic stored), else in one pass over the history.  cond (or NULL)
 * is SQL appended to its WHERE (" AND customer IN ...").  -1: an unknown
 * metric, or metrics of two kinds.
 */
int	crm_metric_rows(struct crm_sql *, const char *names, int64_t since,
	    const char *cond);
/*
 * Append "ID IN (...)": the ticket whose id is the SQL id is open at the
 * end of day ?1, as open_tickets counts it.
 */
void	crm_metric_open_ticket(struct crm_sql *, const char *id);
/*
 * Append "SELECT customer, kind, score, prev": for the survey metrics in
 * names ("csat,nps"), each customer's latest score of that kind up to ?1,
 * as the metric has it, and the score before it (NULL when none), by
 * customer and kind.  -1: a name that is not a survey's metric.
 */
int	crm_metric_scores(struct crm_sql *, const char *names);

/* ---- points.c: the loyalty points ledger --------------------------------- */

/*
 * One customer's ledger at a time, oldest first: earned points are lots,
 * spent oldest first; what of a lot is left when its period ends expires.
 */
struct crm_ledger;
/* What a ledger counts, up to its day. */
struct crm_points_sum {
	int64_t	earned, redeemed, expired, balance;
};
/* A ledger with the store's points.expiry and --asof day. */
int	crm_ledger_new(struct crm_store *, struct crm_ledger **);
/* Accepts NULL. */
void	crm_ledger_free(struct crm_ledger *);
void	crm_ledger_sum(const struct crm_ledger *, struct crm_points_sum *);
/*
 * When the oldest points left expire (0: none left), *amount how many
 * expire that day.
 */
int64_t	crm_ledger_expiring(const struct crm_ledger *, int64_t *amount);
/*
 * Every customer's ledger up to l->now, customer by customer: fn sees
 * each one ended (crm_ledger_end), with the expiries up to the day.
 */
int	crm_ledgers(struct crm_store *, struct crm_ledger *,
	    int (*fn)(struct crm_store *, int64_t customer,
	    struct crm_ledger *, void *), void *);
/*
 * Credit every purchase up to --asof not credited yet, floor(amount x
 * pts / units) plus its product's bonus ("tea:50,mugs:5"): *n purchases.
 */
int	crm_points_earn(struct crm_store *, long pts, long units,
	    const char *bonus, int64_t *n);
/* Write off what expired by --asof: *records records, *points points. */
int	crm_points_expire(struct crm_store *, int64_t *records,
	    int64_t *points);

/* ---- field.c: the field names users write -------------------------------- */

/*
 * 0 when name is a field of kind k a user can write: a field or metric,
 * attr.KEY, tag.NAME, tier.SCHEME (of a scheme crm has).  Else -1, and
 * hint (n bytes) holds " (did you mean NAME?)" for the nearest field, or
 * nothing.
 */
int	crm_field_known(const struct crm_kind *, const char *name, char *hint,
	    size_t n);
/*
 * Append the SQL expression of a field, metric, attr.KEY, tag.NAME or
 * tier.SCHEME of kind (alias c; with q->hist, metrics as of ?1).  -1 for
 * a name that cannot be one (crm_field_known says which exist).
 */
int	crm_field_sql(struct crm_sql *, const struct crm_kind *,
	    const char *name, const struct crm_field **ftype);

/* A list of output fields (-F). */
struct crm_cols {
	int			  n;
	char			**names;
	const struct crm_field	**fields;	/* NULL for attr/tag columns */
	int			  json;		/* selected as JSON */
};
/*
 * Parse "id,name,attr.x" for kind; unknown names, or more than
 * CRM_COLS_MAX (crm-int.h) of them, are a usage error, reported as of the
 * option opt ("-F").
 */
int	crm_cols_parse(struct crm_cols *, const struct crm_kind *,
	    const char *opt, const char *list);
void	crm_cols_free(struct crm_cols *);
/* Column c of a row as field f's type prints it; NULL: unset. */
const char *crm_field_text(const struct crm_field *, struct sqlite3_stmt *,
	    int c, int decimals, char *buf, size_t, enum crm_vt *);
/* Column i of a row as text, formatted by its field's type; NULL: unset. */
const char *crm_cols_text(const struct crm_cols *, struct sqlite3_stmt *,
	    int i, int first, int decimals, char *buf, size_t, enum crm_vt *);
/*
 * Every row of s through out (NULL: only count them in *n); types has a
 * letter per column, n for a number, s for text.  CRM_EX_OK when all
 * were read, else the error's status (printed).
 */
int	crm_out_rows(struct crm_store *, struct crm_out *,
	    struct sqlite3_stmt *, const char *types, long *n);
/* Emit one result row (columns from first) through out. */
void	crm_cols_row(const struct crm_cols *, struct sqlite3_stmt *, int first,
	    int decimals, struct crm_out *);

/* ---- record.c: a record with every field (crm(7) "JSON records") ------ */

/*
 * The fields of -F all for kind k, comma-separated into *list (malloc'd):
 * every field but the match keys, in the kind's order, with attr.KEY for
 * each key the store holds before the metrics, and tier.SCHEME for each
 * scheme after them (customers).
 */
int	crm_fields_all(struct crm_store *, const struct crm_kind *,
	    char **list);
/*
 * Append the SQL of cols (alias c) to q, separated by commas; json: each
 * tier.SCHEME as its JSON object, written so by crm_cols_row.
 */
void	crm_cols_select(struct crm_sql *, const struct crm_kind *,
	    struct crm_cols *, int json);
/*
 * Record id of kind k with every field as one JSON object on fp, as crm-ls
 * -F all -o json writes it, but with no newline; open: without its closing
 * brace either, for the caller to add members.  CRM_EX_NONE (not printed)
 * when there is no such record.
 */
int	crm_record_json(struct crm_store *, const struct crm_kind *,
	    int64_t id, FILE *, int open);
/* Every tier a customer was given, oldest first: a JSON array of tiers. */
int	crm_tiers_json(struct crm_store *, int64_t customer, FILE *);
/* Every record of history kind k of a customer so, comma-separated. */
int	crm_records_json(struct crm_store *, const struct crm_kind *,
	    int64_t customer, FILE *);

/* An event of a customer's history (crm_timeline_next). */
struct crm_event {
	int64_t			 ts;	/* when */
	const struct crm_kind	*kind;
	int64_t			 id;	/* the record's */
	const char		*says;	/* what happened, in a few words;
					   good until the next call */
};

struct crm_timeline;

/*
 * The history of a customer: the records of every kind on the timeline
 * (purchases, contacts, tickets, surveys, points) up to the end of the
 * --asof day when given, newest first, ties by kind (by name), then the
 * newest record first.  Close *out whatever this returns.
 */
int	crm_timeline_open(struct crm_timeline **, struct crm_store *,
	    int64_t customer);
/* The next event into *ev; CRM_EX_NONE after the last. */
int	crm_timeline_next(struct crm_timeline *, struct crm_event *ev);
/* Accepts NULL. */
void	crm_timeline_close(struct crm_timeline *);

/*
 * *yes = 1 when a record of any kind holds an amount: money is stored in
 * minor units, so the store's decimals cannot change under it.
 */
int	crm_money_stored(struct crm_store *, int *yes);

/* ---- filter.c: the filter language --------------------------------------- */

/*
 * Compile a -w expression over kind into SQL appended to sql.  Unknown
 * fields and syntax errors print the position and return CRM_EX_USAGE.
 */
int	crm_filter_compile(struct crm_sql *, const struct crm_kind *,
	    const char *expr, int decimals, int64_t now);

/* ---- ids.c: customer ids from arguments or standard input -------------- */

struct crm_ids {
	int64_t	*v;
	size_t	 n, cap;
};

/* Ids from argv, or with none, the first field of each stdin line. */
int	crm_ids_read(struct crm_ids *, int argc, char **argv);
int	crm_id_parse(const char *, int64_t *);
void	crm_ids_free(struct crm_ids *);
/*
 * Every id must name a record of kind: else print "ID: no such KIND" for
 * each one missing and return missing, which is CRM_EX_DATAERR for a
 * command that writes (nothing is written) and CRM_EX_NONE for a lookup
 * (as grep(1); crm(7) "No such customer").
 */
int	crm_ids_check(struct crm_store *, const struct crm_kind *,
	    const struct crm_ids *, int missing);
/*
 * fn(arg, word, at) for the first field of each line of standard input
 * (up to a tab, blank or comma; blank lines and a first line "id", the
 * header of crm-ls -H, skipped), at "stdin:LINE: what:", until fn fails;
 * on a terminal it first says on stderr that ids are awaited.  For words
 * that are not only ids (crm-show's e-mails and refs); crm_ids_read uses it.
 */
int	crm_ids_each(int (*fn)(void *, char *, const struct crm_loc *),
	    void *arg, const char *what);

/* ---- rec.c: writing records -------------------------------------------- */

/*
 * One record's values by field index, and its attr.KEY pairs.  Values
 * are borrowed; the attribute keys belong to the record.
 */
struct crm_rec {
	const struct crm_kind	*kind;
	const char		**val;	/* by field index; NULL: not given */
	int			  nattr, cap;
	char			**akey;	/* "attr.KEY" */
	const char		**aval;	/* NULL: not given */
};

struct crm_writer;

enum crm_wmode {
	CRM_W_ADD,	/* refuse duplicates */
	CRM_W_UPSERT,	/* -u: update by id or ref, add the rest */
	CRM_W_SET,	/* crm-set: update by id; "" clears */
};

/*
 * A writer for records of kind.  bulk: many rows, whose statistics are
 * recomputed set-wise at commit; sizehint: the input's size when it can
 * be re-read, so indexes may be built after the load.
 */
int	crm_writer_new(struct crm_writer **, struct crm_store *,
	    const struct crm_kind *, enum crm_wmode, int bulk,
	    int64_t sizehint);
/*
 * With CRM_W_UPSERT, match on this unique field, or the fields of the
 * kind's key ("order_ref,product"), instead of ref.
 */
int	crm_writer_key(struct crm_writer *, const char *fields);
/* Write one record; *id gets its id, *added 1 when it is new. */
int	crm_writer_put(struct crm_writer *, const struct crm_rec *,
	    const struct crm_loc *, int64_t *id, int *added);
/*
 * Finish: rebuild deferred indexes, reporting a duplicate through
 * lineof (record number from 0 -> line) when one is found.
 */
int	crm_writer_finish(struct crm_writer *,
	    long (*lineof)(void *, int64_t), void *, const char *file);
void	crm_writer_free(struct crm_writer *);

/* A record with room for nattr attributes. */
int	crm_rec_init(struct crm_rec *, const struct crm_kind *, int nattr);
/* Forget the values, keep the attribute keys. */
void	crm_rec_clear(struct crm_rec *);
void	crm_rec_free(struct crm_rec *);
/* The slot of attribute key ("attr.KEY"), added when new; -1: no room. */
int	crm_rec_attr(struct crm_rec *, const char *key);
/* Parse "field=value" into rec (attr.KEY allowed); CRM_EX_USAGE if bad. */
int	crm_rec_assign(struct crm_rec *, const char *arg);
/* The given values as a JSON object, for the audit; malloc'd. */
char	*crm_rec_json(const struct crm_rec *);

/* Delete a record. */
int	crm_rec_delete(struct crm_store *, const struct crm_kind *, int64_t id);

/*
 * crm-add --allow-forgotten: values of forgotten customers are written
 * (else refused, see crm_forgotten_check).
 */
void	crm_writer_allow_forgotten(struct crm_writer *);

/* Tags. */
int	crm_tag_add(struct crm_store *, const char *tag,
	    const struct crm_ids *, int64_t *changed);
int	crm_tag_del(struct crm_store *, const char *tag,
	    const struct crm_ids *, int64_t *changed);
/*
 * The manual tags of a customer become those of list ("a,b"; "" none): a
 * tag not listed goes unless a rule set it; one listed a rule set becomes
 * manual.  A name that is no tag's is CRM_EX_DATAERR, printed at at.
 */
int	crm_tags_manual(struct crm_store *, int64_t id, const char *list,
	    const struct crm_loc *at);

/* ---- forget.c: erasing a person, and keeping them erased -------------- */

/*
 * Erase customer id's personal data: every field the kind table flags
 * personal, in every kind (the customer's row, each of its records), its
 * attributes, the values the audit kept of them, and the snapshots of
 * every merge holding the person (either side).  Records the forget in
 * the tables forget (id, ts, customer) and forgotten (hash, forget, what):
 * HMAC-SHA256 under the store's key of "what\0value" for each ref, e-mail
 * and phone the person had (normalised as crm_email_key, crm_phone_key;
 * attributes holding one included).  Then crm_store_scrub_later.
 */
int	crm_customer_forget(struct crm_store *, int64_t id);
/*
 * For crm-backup: write every forget of the store (time, customer id,
 * hashes) and the key into the SQLite file at path, a list of forgets
 * kept beside the backups (created when missing; rows already there
 * stay).  The file holds the tables config, forget and forgotten, as a
 * store does.
 */
int	crm_forget_save(struct crm_store *, const char *path);
/*
 * For crm-backup --restore: re-apply, inside the caller's transaction,
 * every forget recorded in the SQLite file at path (a list written by
 * crm_forget_save, or the store being replaced) that this store lacks
 * (by time and customer id): the customer, when still here, is forgotten
 * again, and the hashes are kept either way.  *n: how many.  A store
 * under another key (say, a backup from before schema 5) takes the
 * file's key when each of its forgets with hashes is in the file too and
 * older than its schema 5 (one schema 5 finished for an older crm): the
 * file's hashes replace its own; else it is refused (CRM_EX_DATAERR).
 * A file with no forgets applies none.  After the commit,
 * crm_store_scrub.
 */
int	crm_forget_reapply(struct crm_store *, const char *path, long *n);
/*
 * temp.person (customer): id and every customer merged into it by a
 * merge that stands, recursively: one person's ids; temp.person_ref
 * (ref): their refs; temp.person_rec (kind, id): their history records,
 * those deleted since included (by the audit, read once per connection).
 */
int	crm_person_load(struct crm_store *, int64_t id);

/* A lookup of forgotten refs, e-mails and phones. */
struct crm_forgotten;

/* ---- suggest.c: did you mean ------------------------------------------- */
/*
 * The name among the first n of names (or up to a NULL) nearest word by
 * edit distance: at most one edit for a word under six letters, a third of
 * its length for a longer one; a word that begins a name is one edit from
 * it.  NULL when none is that near, or when word is a name itself.
 */
const char *crm_suggest(const char *word, const char *const *names,
	    size_t n);
/*
 * "OPT WORD: no such WHAT (did you mean NAME?)" by crm_err, or without a
 * near name "(every, name, there, is)"; returns rc.  opt may be NULL:
 * "rfx: no such scheme (did you mean rfm?)".
 */
int	crm_nosuch(int rc, const char *opt, const char *word,
	    const char *what, const char *const *names, size_t n);

#endif /* CRM_H */
