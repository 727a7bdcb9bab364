/*
 * crm-int.h: libcrm's own interface between its modules, which commands
 * do not use (crm.h is theirs).  libcrm's files and its unit tests
 * include this one; a declaration moves to crm.h when a command needs it.
 * Sections as in crm.h, by the file that defines each.
 */
#ifndef CRM_INT_H
#define CRM_INT_H

#include <string.h>

#include "crm.h"

/* ---- cli.c: options, errors, program name ---------------------------- */
/* --unit day|week (and a fit file's unit) as 1 or 7; -1 when neither. */
int	crm_opt_unit(const char *arg, int *scale);

void	crm_progname_set(const char *);

/*
 * What parsing keeps for itself (struct crm_cli's state): the command
 * line, the command's table, the common options it takes, whether a usage
 * error was printed.  One per process, as getopt's state is: a cli points
 * to it from crm_cli_begin on.
 */
struct crm_cli_state {
	int		 argc;
	char		**argv;
	const struct crm_opt *opts;	/* the command's own and operands */
	const char	*common;	/* the common options it takes */
	int		 started;
	int		 told;		/* a usage error was printed */
	int		 ids[8];	/* the id options given (taken once) */
	int		 nids;
	char		 dbbuf[4096];	/* dbpath, when made here */
};

/*
 * 1 when cli's command takes the common option c (as crm_cli_begin's
 * common string names it: 'A' for --asof); 0 for a cli crm_cli_begin
 * did not start.  Here, not in cli.c: the store asks, and cli.c's tables
 * name what lives above the store.
 */
static inline int
crm_cli_takes(const struct crm_cli *cli, int c)
{
	return cli->state != NULL && cli->state->common != NULL &&
	    strchr(cli->state->common, c) != NULL;
}

/*
 * The line both print (usage: end it with "; try 'prog -h'", as a usage
 * error does).
 */
void	crm_vmsg(const struct crm_loc *, int usage, const char *fmt, va_list)
	    __attribute__((format(printf, 3, 0)));
/*
 * A note held until the command's arguments are known good (err.c): the
 * first output (crm_out), any other message or crm_cli_end prints it; a
 * usage error drops it, so that a usage error stays one line.
 */
void	crm_note_defer(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2)));
/* Print the held note, if any, on stderr; or forget it. */
void	crm_note_flush(void);
void	crm_note_drop(void);

/* ---- date.c: dates, times and durations -------------------------------- */
/*
 * Parse YYYY-MM-DD, YYYYMMDD, an ISO 8601 date-time with zone (Z or
 * +hh:mm), @SECONDS or "now" into Unix seconds (UTC).  0 on success,
 * -1 with *why set to a static reason.
 */
int	crm_date_parse(const char *, int64_t now, int64_t *out,
	    const char **why);

/* ---- money.c: exact money --------------------------------------------- */
/*
 * The largest amount a field takes, in minor units (10,000,000,000,000.00
 * with two decimals): a customer's purchases, and a report's totals, can
 * then hold thousands of the largest amounts before 64 bits overflow.
 */
#define CRM_MONEY_MAX	INT64_C(1000000000000000)
/* Parse "12.34" into minor units.  Exact; no floating point. */
int	crm_money_parse(const char *s, int decimals, int64_t *out,
	    const char **why);

/* Format minor units with the given decimals into buf (>= 32 bytes). */
void	crm_money_fmt(int64_t v, int decimals, char *buf, size_t);

/* ---- text.c: UTF-8 ------------------------------------------------------ */
/* 1 when s[0..n) is valid UTF-8 without NUL bytes. */
int	crm_utf8_valid(const char *s, size_t n);

/* Terminal display width of a UTF-8 string (East Asian wide = 2). */
size_t	crm_utf8_width(const char *s);
/*
 * The bytes of the longest start of s at most width columns wide, whole
 * characters (with the marks that combine with the last); *w its width.
 */
size_t	crm_utf8_cut(const char *s, size_t width, size_t *w);

/* ---- store.c: the SQLite store ------------------------------------------ */
/*
 * Open the store of cli (path, busy timeout, user, command, now), creating
 * it when mode is CRM_WRITE or CRM_INIT, migrating an older schema.  A
 * file that is not a crm store (by its header, read before SQLite opens
 * it) or has a newer schema is refused with CRM_EX_DATAERR and left as it
 * was.  A writer holds the write lock until crm_store_commit or
 * crm_store_close.  The store runs the hooks (nhooks of them) at its fixed
 * points; crm_store_open (hooks.c) passes crm's own.
 */
struct crm_hook;

int	crm_store_open_hooks(struct crm_store **, struct crm_cli *,
	    enum crm_mode, const struct crm_hook *hooks, size_t nhooks);

/*
 * In a forget's transaction: from its commit on, writers checkpoint and
 * truncate the WAL after their commit (without waiting) until one does.
 */
int	crm_store_scrub_later(struct crm_store *);

/*
 * Per-store slots, one for each concern that keeps state in the store it
 * runs in (through its hooks): the slot's pointer, NULL until it is set.
 */
enum crm_slot { CRM_SLOT_STATS, CRM_NSLOTS };

void	**crm_store_slot(struct crm_store *, enum crm_slot);

/* ---- hooks.c: what the store runs for other concerns ------------------- */
/*
 * The store runs each hook's open (when set) on a new connection before
 * any statement: SQL functions register there.  migrate runs inside the
 * migration's transaction after the store's own step to version to: what
 * a concern does to its rows then.  commit runs before each COMMIT of a
 * transaction, inside it: work that must be part of it (an error leaves
 * the transaction to be rolled back).  close runs when the store closes,
 * before the connection does: it frees the hook's slot.
 */
struct crm_hook {
	int	(*open)(struct sqlite3 *);
	int	(*migrate)(struct crm_store *, int to);
	int	(*commit)(struct crm_store *);
	void	(*close)(struct crm_store *);
};

/* ---- stats.c: per-customer statistics ----------------------------------- */
/* The commit hook: recompute the touched customers' statistics, if any. */
int	crm_stats_commit(struct crm_store *);

/* The close hook: what crm_stats_touch kept. */
void	crm_stats_close(struct crm_store *);

/*
 * *roomy = 1 when adding amount (minor units) to a revenue cannot take
 * the revenues of all customers past what reports total; else the write
 * should leave it to crm_stats_refresh, which checks exactly.
 */
int	crm_stats_roomy(struct crm_store *, int64_t amount, int *roomy);

/* ---- kind.c: the record kinds ------------------------------------------- */
/*
 * A computed field's SQL, from the record aliased c (?1 = now); a list of
 * them ends with a NULL field.
 */
struct crm_expr {
	const char	*field;
	const char	*sql;
};

/* A typed value ready to bind. */
struct crm_val {
	int		 isnull;
	int		 isint;
	int64_t		 i;
	const char	*s;
};

/* A stored field derived from another on every write (a match key). */
struct crm_derive {
	const char	*field;
	const char	*src;
	int		(*fn)(const char *, char *, size_t);
};

/* What libcrm alone reads of a kind (struct crm_kind's def). */
struct crm_kind_def {
	const char		*table;
	const char		*from;		/* FROM clause, aliased c */
	/* SQL run after each write: ?1 = id, ?2 = now. */
	const char		*fixup;
	/* A check across fields (vals by field index); prints, returns. */
	int			(*check)(const struct crm_kind *,
				    const struct crm_val *,
				    const struct crm_loc *);
	const struct crm_derive	*derive;	/* ends with a NULL field */
	/*
	 * SQL checked after each write or deletion (?1 = the customer of
	 * the record): a row (field, message) means the change breaks a
	 * rule and is refused.
	 */
	const char		*guard;
	/*
	 * On a customer's timeline (crm_timeline_open): when, the column of
	 * its time; says, a few words on what happened, from a row of its
	 * stored fields in the kind's order (each field with a column, and
	 * customer_ref; none derived).  NULL: not on the timeline.
	 */
	const char		*when;
	void			(*says)(FILE *, struct sqlite3_stmt *,
				    int decimals);
	/* The SQL of its computed fields (no column, no metric). */
	const struct crm_expr	*exprs;
};

/* 1 when s is an e-mail address, a phone number (as fields take them). */
int	crm_email_ok(const char *s);

int	crm_phone_ok(const char *s);

/*
 * Check and convert s for field f (decimals for money, now for dates).
 * Prints the error with loc and returns CRM_EX_DATAERR when s is bad.
 */
int	crm_field_parse(const struct crm_field *, const char *s, int decimals,
	    int64_t now, const struct crm_loc *, struct crm_val *);

/* Bind a value to a statement parameter. */
int	crm_val_bind(struct sqlite3_stmt *, int idx, const struct crm_val *);
/* The SQL of a computed field f of k (struct crm_expr), NULL if none. */
const char *crm_kind_expr(const struct crm_kind *, const struct crm_field *f);

/* The kind named name, or NULL (commands: crm_kind_get, _operand). */
const struct crm_kind *crm_kind_find(const char *name);

/* ---- norm.c: keys of likely duplicates ------------------------------- */
/* E-mail as its provider reads it: case, dots and +tags where ignored. */
int	crm_email_key(const char *, char *, size_t);

/* The key as stored: -1 when it is the address itself, ignoring case. */
int	crm_email_key_stored(const char *, char *, size_t);

/* The national digits of a phone number (country code and trunk 0 off). */
int	crm_phone_key(const char *, char *, size_t);

/* A name case- and accent-folded; Chinese names without spaces. */
int	crm_name_key(const char *, char *, size_t);

/* ---- scheme.c, tier.c, tier-*.c: tier schemes ------------------------ */
/* What only libcrm reads of a scheme (struct crm_scheme's def). */
struct crm_scheme_def {
	/*
	 * Into q, the SELECT of (customer, tier, score) as of ?1, in
	 * customer order, the metrics from history when q->hist is set;
	 * since: purchases after it count (INT64_MIN: all).
	 */
	int			(*sql)(struct crm_store *, struct crm_sql *q,
				    int64_t since);
	/* Its settings, ended by a row without a key; NULL: none. */
	const struct crm_setting *settings;
};

/* The number of a scheme (its row in the table), -1 if unknown. */
int	crm_tier_scheme(const char *);

/*
 * tier.c, for the schemes' files: three labels, n numbers of a setting,
 * one of the scheme's own rows.
 */
int	crm_tier_labels(struct crm_store *, const struct crm_setting *,
	    char lab[3][32]);
int	crm_tier_numbers(struct crm_store *, const struct crm_setting *,
	    double *, int n);

/*
 * Each buyer's id, r (days since the last purchase), f (purchase days)
 * and m (revenue) as of ?1, counting purchases after since: the metrics
 * of metric.c, from history when q->hist.
 */
void	crm_tier_buyers(struct crm_sql *, int64_t since);

/* SQL: minor units in column m as a decimal string (m > 0). */
void	crm_tier_money(struct crm_sql *, const char *m, int decimals);

/* SQL: CASE WHEN v op c1 THEN l1 WHEN v op c2 THEN l2 ELSE l3 END. */
void	crm_tier_grade(struct crm_sql *, const char *v, const char *op,
	    double c1, const char *l1, double c2, const char *l2,
	    const char *l3);

/* ---- model.c: BG/NBD, Pareto/NBD, MBG/NBD, Gamma-Gamma ----------------- */
/* Log-likelihood of one customer, grad (NULL or np doubles) gets the
 * derivative with respect to log p[k]. */
double	crm_model_ll(enum crm_model, const double *p, double x, double tx,
	    double T, double *grad);

/* ---- numeric.c: what the models compute with ------------------------- */
double	crm_digamma(double x);

/* lgamma(a + x) - lgamma(a) and psi(a + x) - psi(a), a > 0, x >= 0,
 * accurate when a is huge. */
double	crm_lgamma_ratio(double a, double x);

double	crm_digamma_ratio(double a, double x);

/* Gauss-Legendre nodes and weights on [-1, 1]. */
#define CRM_GL	12
void	crm_gauss_legendre(const double **x, const double **w);

/*
 * Minimize fg (the value; the gradient into its last argument; not finite
 * off the domain) from x by BFGS with a strong Wolfe line search, until
 * the largest gradient component is at most gtol (or gtol_loose when no
 * step decreases f further).  0 converged, -1 not, -2 f not finite at x.
 */
#define CRM_BFGS_MAX	4
struct crm_bfgs_opt {
	int	 maxit;
	double	 gtol, gtol_loose;
	double	 maxstep;	/* the longest first trial step in any axis */
	void	(*progress)(void *, int iter, double f, double gmax);
	/* NULL, or nonzero at an accepted x to stop there (returns -3) */
	int	(*stop)(void *, const double *x);
	const double *H;	/* NULL, or n x n: the first inverse Hessian */
	double	*Hout;		/* NULL, or n x n: the last one */
};
int	crm_bfgs(double (*fg)(void *, const double *, double *), void *,
	    int n, double *x, double *f, double *g,
	    const struct crm_bfgs_opt *, int *iter, double *gmax);

/* ---- churn.c: summaries and stored fits ------------------------------- */
/* Register crm_palive(model, p1, p2, p3, p4, x, t_x, T) on a connection. */
int	crm_churn_register(struct sqlite3 *);

/* ---- vcard.c: vCard 4.0 out, 3.0 and 4.0 in ---------------------------- */
/* Every column a card reads as (crm.h, above CRM_VCARD_NOUT). */
#define CRM_VCARD_NF	62
extern const char *const crm_vcard_fields[CRM_VCARD_NF];
/*
 * The UID of a customer without a ref: urn:uuid: and a name-based UUID
 * (version 5, SHA-1) of the id in the store's namespace, which is the
 * HMAC-SHA256 of "crm vCard UID" under the store's forget key: the same
 * on every export, different in every store.  buf: at least 46 bytes.
 */
int	crm_vcard_uid(struct crm_store *, int64_t id, char *buf, size_t);

/* 1 when the text starts a vCard. */
int	crm_vcard_sniff(const char *, size_t);

/* Read cards through gl, a getline(3) over the input. */
int	crm_vcard_open(struct crm_vcard **, ssize_t (*gl)(void *, char **,
	    size_t *), void *, const char *name);

/*
 * The store the cards go to: a UID crm_vcard_uid made for one of its
 * customers then gives that id rather than a ref.
 */
void	crm_vcard_store(struct crm_vcard *, struct crm_store *);

/* Read on from the start of another file, called name. */
void	crm_vcard_reset(struct crm_vcard *, const char *name);

/* The next card's values; CRM_EX_NONE at the end. */
int	crm_vcard_next(struct crm_vcard *, char ***vals, long *start);

void	crm_vcard_close(struct crm_vcard *);

/* ---- out.c: the writers -------------------------------------------------- */
/* Parse a -o argument; -1 when unknown. */
int	crm_fmt_parse(const char *);
/*
 * In JSON, end the row leaving its object open, for the caller to add
 * members and the closing brace; else as crm_out_endrow.
 */
void	crm_out_endrow_open(struct crm_out *);
/*
 * 1 when fp may be given escapes (bold): a terminal, TERM set and not
 * "dumb", NO_COLOR unset or empty (no-color.org).
 */
int	crm_color(FILE *);
/* s masked (malloc'd; NULL for NULL or out of memory). */
char	*crm_redact(const char *s, enum crm_mask);
/* -o table: column c at least w columns wide, whatever its first rows. */
void	crm_out_minwidth(struct crm_out *, int c, size_t w);
/* Write "a,b" as the JSON array ["a","b"] ("" is []). */
void	crm_json_list(FILE *, const char *);

/* ---- query.c: SQL text with bound values -------------------------------- */
/* struct crm_sql's bound values. */
struct crm_bind {
	int		 isint;		/* 1 i, 2 d, 0 s */
	int64_t		 i;
	double		 d;
	char		*s;
};
void	crm_sql_double(struct crm_sql *, double);

/* ---- metric.c: the statistics of a customer's history -------------------- */
/*
 * Append the SQL of metric name (a CRM_F_METRIC field of customers) for
 * the customer whose id is the SQL key: from the stats row aliased s, or,
 * with q->hist, from the history up to ?1.  -1: no such metric.
 */
int	crm_metric_sql(struct crm_sql *, const char *name, const char *key);

/* 1 when every statistic the metrics in names read is kept in stats. */
int	crm_metric_stored(const char *names);

/* The metrics and statistics by number (NULL past the last): for tests. */
const char *crm_metric_name(int);

const char *crm_metric_stat(int, int *stored);

/*
 * For stats.c: the statement that recomputes the stats rows of the
 * customers in temp.touched, ?1 bound to INT64_MAX (the end of time).
 */
void	crm_metric_refresh(struct crm_sql *);

/* For rec.c: the stats row of customer ?1, made empty if missing. */
void	crm_metric_ensure(struct crm_sql *);

/*
 * For rec.c: the update of the stats row after record ?1 of kind, or no
 * change when it cannot tell (stats.c recomputes at commit).  0 when the
 * kind has no statistics (nothing appended).
 */
int	crm_metric_incr(struct crm_sql *, const char *kind);

/*
 * The same for every record of kind with an id above ?1 at once, summed
 * per customer; 0 when the kind's statistics do not add up so (only
 * points do).
 */
int	crm_metric_incr_after(struct crm_sql *, const char *kind);

/* ---- points.c: the loyalty points ledger --------------------------------- */
/* Points earned at ts, left unspent. */
struct crm_lot {
	int64_t	ts, left;
};
/*
 * One customer's ledger, oldest first: earned points are lots, spent
 * oldest first; what of a lot is left when its period ends expires.
 */
struct crm_ledger {
	struct crm_dur	 period;	/* points.expiry */
	int64_t		 now;		/* the end of the --asof day */
	struct crm_lot	*lot;
	size_t		 head, n, cap;
	/* expiries found, not written yet: the lots, with what lapsed */
	struct crm_lot	*due;
	size_t		 ndue, capdue;
	int64_t		 earned, redeemed, expired, balance;
};
/* crm_ledger_new's, into l (crm_ledger_clear frees what it holds). */
int	crm_ledger_open(struct crm_store *, struct crm_ledger *l);
void	crm_ledger_clear(struct crm_ledger *);
/* An empty ledger whose lots last period, as of now. */
void	crm_ledger_init(struct crm_ledger *, const struct crm_dur *period,
	    int64_t now);

/* Empty it for the next customer (the lots' memory kept). */
void	crm_ledger_reset(struct crm_ledger *);

/*
 * Apply a ledger row at ts, in time order: delta > 0 earns a lot, else it
 * spends (isexpiry: an expiry written before); lots whose period ended
 * before ts lapse first.
 */
int	crm_ledger_entry(struct crm_ledger *, int64_t ts, int64_t delta,
	    int isexpiry);

/* Lapse the lots whose period ended by now: the ledger as of now. */
int	crm_ledger_end(struct crm_ledger *);

/* ---- forget.c: erasing a person, and keeping them erased -------------- */
/* Schema 5: make the store's random forget key (config, hex). */
int	crm_forget_keygen(struct crm_store *);

/*
 * Schema 5, after crm_forget_keygen: finish the forgets an older crm made
 * (it erased the customer's row, attributes, audit entries and own merge
 * snapshots only): each customer the audit says was forgotten (kind
 * customer, action forget) is forgotten again as crm_customer_forget
 * does, as of the first such entry, with the hashes of what is still
 * known of them.
 */
int	crm_forget_legacy(struct crm_store *);

/* The migrate hook: at schema 5, crm_forget_keygen, crm_forget_legacy. */
int	crm_forget_migrate(struct crm_store *, int to);

/* *out is NULL when no one was forgotten: checks then cost nothing. */
int	crm_forgotten_open(struct crm_forgotten **, struct crm_store *);

/*
 * CRM_EX_DATAERR, printed as "at: field: belongs to a forgotten
 * customer", when a customer record r carries a forgotten ref, e-mail or
 * phone (attributes included) that customer self (0: a new one) does not
 * hold already.  Accepts NULL.
 */
int	crm_forgotten_check(struct crm_forgotten *, const struct crm_rec *r,
	    int64_t self, const struct crm_loc *);

/*
 * The same for the snapshots merge kept (either side), as an undo would
 * bring them back: "merge N: field: belongs to a forgotten customer".
 */
int	crm_forgotten_merge(struct crm_forgotten *, int64_t merge);

void	crm_forgotten_close(struct crm_forgotten *);
/* ---- html.c: crm-report's page, a dashboard ---------------------------- */
/* The page as of asof: tiles, then each report's chart and its table. */
void	crm_html_write(const struct crm_page *, FILE *, int64_t asof);

/* ---- churn.c: counts -------------------------------------------------- */
/* Read counts lines from fp (name for errors), merged by key and sorted. */
int	crm_counts_read(FILE *fp, const char *name, enum crm_model m,
	    int scale, struct crm_triple **, size_t *n);

/* ---- page.c: a page's tables, for page.c and html.c (page) ------------- */
/* A table of text cells (NULL: unset), row after row. */
struct crm_tab {
	struct crm_page	*page;
	char		 report[32];	/* the report that made it */
	char		 name[32];	/* the table's within the report */
	char		 title[128];
	char		 note[256];	/* what the numbers rest on */
	int		 ncols;
	char		**cols;
	char		*num;		/* per column: a number */
	char		**cells;
	char		*money;		/* per cell: money */
	char		*share;		/* per cell: a share (xlsx: percent) */
	size_t		 ncells, cap;
	enum crm_chart	 chart;
	int		 val, val2;	/* chart columns; val2 -1: none */
	int		 scale;		/* heat: the colour scale from here */
	int		 pct;		/* heat: values are shares */
	char		*mask;		/* per column: enum crm_mask, or NULL */
	char		 none[40];	/* HTML: an unset first cell's label */
	char		 axis[96];	/* HTML: the x axis's title, or "" */
	struct crm_tab	*next;
};

/* The tables of a page, in order; oom once a cell could not be kept. */
struct crm_page {
	struct crm_tab	 *tabs, **tail;
	int		  decimals;
	int		  oom;
	int		  redact;	/* mask crm_tab_mask's columns */
	char		  note[160];	/* the page's, above its tables */
	char		  report[32];	/* the report making tables now */
	/* HTML only: the headline tiles and what the heading names. */
	struct crm_tile	  tiles[CRM_TILES];
	char		  labels[CRM_TILES][64];	/* the tiles' */
	int		  ntiles;
	double		  window;	/* days between the tiles' two days */
	char		  currency[16];
	char		 *store;
	char		 *where;
};

/* ---- lists: churn.c's crm_fit_pick reads the model files ---------------- */
/*
 * Append the model blocks of the file at path to *fits (*n of *cap):
 * CRM_EX_OK, else the error (printed) with file:line.
 */
int	crm_fit_file(const char *path, struct crm_fit **fits, size_t *n,
	    size_t *cap);
/* The purchase models' names into buf (model.c): "bgnbd, pnbd or mbgnbd". */
void	crm_model_list(char *buf, size_t n);

/* ---- settings.c: a setting's row (schemes, H4) ------------------------ */
/* What a setting accepts: struct crm_setting's check. */
enum crm_setting_check {
	CRM_SET_CURRENCY,	/* ISO 4217: three capitals */
	CRM_SET_DECIMALS,	/* 0 to 4 */
	CRM_SET_FRACTIONS,	/* two ascending fractions in [0, 1] */
	CRM_SET_WEIGHTS,	/* three fractions in [0, 1], in any order */
	CRM_SET_LABELS,		/* three comma-separated words */
	CRM_SET_NUMBER,		/* a positive number */
	CRM_SET_INTS,		/* two ascending whole numbers */
	CRM_SET_RATE,		/* points/units, both whole and positive */
	CRM_SET_BONUS,		/* product:points, comma-separated */
	CRM_SET_CADENCE,	/* what:days, comma-separated (offer, ...) */
	CRM_SET_DURATION,	/* 30d, 12w, 24m, 1y */
	CRM_SET_DAY,		/* YYYY-MM-DD, or "" for none */
	CRM_SET_SCHEMES,	/* no setting: where the schemes' go */
};

/*
 * Row n of settings.c's own table, NULL past the last; the row without a
 * key stands for every scheme's settings (settings-all.c puts them there).
 */
const struct crm_setting *crm_setting_row(int n);

/* The stored value of the setting, else its default ("" when neither). */
int	crm_setting_read(struct crm_store *, const struct crm_setting *,
	    char *, size_t);

/* ---- field.c, ids.c: limits ---------------------------------------------- */
/* The most columns a -F list names (crm_cols_parse). */
#define CRM_COLS_MAX	500
/*
 * A record id: 1 to CRM_ID_MAX, 2^53 - 1, the largest whole number a JSON
 * reader's double holds exactly; an id imported above it would also leave
 * AUTOINCREMENT no room for the next record.
 */
#define CRM_ID_MAX	INT64_C(9007199254740991)
/* A new record given its id in the input: half the ids stay crm's. */
#define CRM_ID_GIVEN_MAX	(CRM_ID_MAX / 2)

/* ---- filter.c: the filter language --------------------------------------- */

/* crm_filter_compile for an expression given to opt ("-R"), not -w. */
int	crm_filter_compile_as(struct crm_sql *, const struct crm_kind *,
	    const char *opt, const char *expr, int decimals, int64_t now);

#endif /* CRM_INT_H */
