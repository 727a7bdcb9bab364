/* crm-add: add records from field=value arguments or in bulk from CSV/TSV. */
#include <sys/time.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "crm.h"


enum { OPT_KEY = CRM_OPT_OWN, OPT_ALLOW };

/*
 * The ids to print once the transaction has committed: a failed command
 * must name no record, or `crm-add -f f customer | crm-tag x` would tag
 * whoever gets those ids later.  Kept as runs of consecutive ids, so a
 * load of millions of new rows costs one run.
 */
struct idrun {
	int64_t		 first, n;
};

struct idlist {
	struct idrun	*run;
	size_t		 n, cap;
};

static int
keepid(struct idlist *l, int64_t id)
{
	struct idrun *last = l->n > 0 ? &l->run[l->n - 1] : NULL;
	int rc;

	if (last != NULL && id == last->first + last->n) {
		last->n++;
		return CRM_EX_OK;
	}
	if ((rc = crm_grow(&l->run, &l->cap, l->n, sizeof *l->run)) !=
	    CRM_EX_OK)
		return rc;
	l->run[l->n].first = id;
	l->run[l->n++].n = 1;
	return CRM_EX_OK;
}

static void
printids(const struct idlist *l)
{
	size_t i;
	int64_t j;

	for (i = 0; i < l->n; i++)
		for (j = 0; j < l->run[i].n; j++)
			printf("%lld\n", (long long)(l->run[i].first + j));
}

/* Progress on a terminal: rows, rows per second, share of the file. */
struct progress {
	int		on;
	double		start, last;
	struct crm_csv	*csv;
};

static double
mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
progress(struct progress *p, long rows, int done)
{
	int64_t got, total;
	double now, rate;

	if (!p->on)
		return;
	now = mono();
	if (!done && now - p->last < 0.25)
		return;
	p->last = now;
	rate = now > p->start ? rows / (now - p->start) : 0;
	crm_csv_progress(p->csv, &got, &total);
	fprintf(stderr, "\r%s: %ld rows, %.0f rows/s", crm_progname(), rows,
	    rate);
	if (total > 0)
		fprintf(stderr, ", %.0f%%", 100.0 * (double)got /
		    (double)total);
	fprintf(stderr, done ? "\n" : "   ");
}

/* The line where record number n (0: the first after the header) starts. */
struct relocate {
	const char	*path;
	enum crm_infmt	 fmt;
};

static long
lineof(void *arg, int64_t n)
{
	struct relocate *r = arg;
	struct crm_csv *c = NULL;
	char **fv;
	long line = 0;
	int nf;
	int64_t i;

	if (crm_csv_open(&c, r->path, r->fmt) == CRM_EX_OK &&
	    crm_csv_next(c, &nf, &fv, &line) == CRM_EX_OK)
		for (i = 0; i <= n; i++)
			if (crm_csv_next(c, &nf, &fv, &line) != CRM_EX_OK)
				break;
	crm_csv_close(c);
	return line;
}

/* The column of a header's "tags": the manual tags of each row. */
#define TAGCOL	INT_MIN

/*
 * A row's tags (comma-separated) become the customer's manual tags: the
 * manual ones not listed go; a listed one a rule set stays the rule's.
 */
static int
settags(struct crm_store *st, sqlite3_stmt **s, int64_t id, const char *list)
{
	char *json = NULL;
	size_t len = 0;
	FILE *fp;
	const char *p;
	int i, rc = CRM_EX_OK;

	if (s[0] == NULL && ((rc = crm_prepare(st, "DELETE FROM tag WHERE "
	    "customer = ?1 AND origin = 'manual' AND tag NOT IN (SELECT "
	    "value FROM json_each(?2))", &s[0])) != CRM_EX_OK ||
	    (rc = crm_prepare(st, "INSERT INTO tag (customer, tag, origin, "
	    "since) SELECT ?1, value, 'manual', ?3 FROM json_each(?2) WHERE "
	    "true ON CONFLICT (customer, tag) DO NOTHING", &s[1])) !=
	    CRM_EX_OK))
		return rc;
	/* Tag names hold no quote, backslash or control character. */
	if ((fp = open_memstream(&json, &len)) == NULL)
		return crm_err(CRM_EX_SOFTWARE, NULL, "out of memory");
	fputs("[\"", fp);
	for (p = list; *p != '\0'; p++) {
		if (*p == ',')
			fputs("\",\"", fp);
		else
			putc(*p, fp);
	}
	fputs("\"]", fp);
	fclose(fp);
	for (i = 0; i < 2 && rc == CRM_EX_OK; i++) {
		sqlite3_bind_int64(s[i], 1, id);
		sqlite3_bind_text(s[i], 2, json, -1, SQLITE_STATIC);
		if (i == 1)
			sqlite3_bind_int64(s[i], 3, crm_store_cli(st)->now);
		rc = crm_step(st, s[i]);
	}
	free(json);
	return rc;
}

/*
 * An updated customer's attr.vcard.* are what its card holds now: a
 * second e-mail deleted in the address book goes here too.
 */
static int
cardattrs(struct crm_store *st, sqlite3_stmt **s, int64_t id,
    const struct crm_rec *r)
{
	char *json = NULL;
	size_t len = 0;
	FILE *fp;
	int i, n = 0, rc;

	if (*s == NULL && (rc = crm_prepare(st, "DELETE FROM attr WHERE "
	    "customer = ?1 AND key >= 'vcard.' AND key < 'vcard/' AND key "
	    "NOT IN (SELECT value FROM json_each(?2))", s)) != CRM_EX_OK)
		return rc;
	/* Attribute keys hold no quote, backslash or control character. */
	if ((fp = open_memstream(&json, &len)) == NULL)
		return crm_err(CRM_EX_SOFTWARE, NULL, "out of memory");
	putc('[', fp);
	for (i = 0; i < r->nattr; i++)
		if (r->aval[i] != NULL && *r->aval[i] != '\0')
			fprintf(fp, "%s\"%s\"", n++ ? "," : "", r->akey[i] + 5);
	putc(']', fp);
	fclose(fp);
	sqlite3_bind_int64(*s, 1, id);
	sqlite3_bind_text(*s, 2, json, -1, SQLITE_STATIC);
	rc = crm_step(st, *s);
	free(json);
	return rc;
}

/* Every name of a tags column must be a tag's. */
static int
tagsok(const char *list, const struct crm_loc *at)
{
	char name[80];
	const char *p, *e;
	size_t n;

	for (p = list;; p = e + 1) {
		e = strchr(p, ',');
		n = e != NULL ? (size_t)(e - p) : strlen(p);
		snprintf(name, sizeof name, "%.*s", (int)n, p);
		if (n >= sizeof name || !crm_tag_valid(name))
			return crm_err(CRM_EX_DATAERR, at, "\"%s\" is not a "
			    "tag name", name);
		if (e == NULL)
			return CRM_EX_OK;
	}
}

/* Map the header to fields; arguments give values for every row. */
static int
header(struct crm_rec *r, const struct crm_rec *args, int nf, char **fv,
    int *col, const char *file, enum crm_wmode mode)
{
	const struct crm_kind *k = r->kind;
	const struct crm_field *f;
	const char *near;
	struct crm_loc at = { file, 1, NULL };
	int i, j;

	for (i = 0; i < nf; i++) {
		at.field = fv[i] != NULL ? fv[i] : "";
		if (fv[i] == NULL)
			return crm_err(CRM_EX_DATAERR, &at, "column %d has no "
			    "name", i + 1);
		for (j = 0; j < i; j++)
			if (fv[j] != NULL && strcmp(fv[i], fv[j]) == 0)
				return crm_err(CRM_EX_DATAERR, &at, "the "
				    "column is named twice");
		if (k->tags && strcmp(fv[i], "tags") == 0) {
			col[i] = TAGCOL;
			continue;
		}
		if (k->attrs && strncmp(fv[i], "attr.", 5) == 0) {
			if (!crm_attr_key_valid(fv[i] + 5))
				return crm_err(CRM_EX_DATAERR, &at, "not a "
				    "valid attribute name");
			if ((j = crm_rec_attr(r, fv[i])) < 0)
				return crm_err(CRM_EX_SOFTWARE, NULL, "out of "
				    "memory");
			col[i] = -(j + 1);
			continue;
		}
		f = crm_kind_field(k, fv[i]);
		if (f == NULL && (near = crm_kind_near(k, fv[i])) != NULL)
			return crm_err(CRM_EX_DATAERR, &at, "no such field "
			    "(did you mean %s?)", near);
		if (f == NULL || !crm_kind_writable(f))
			return crm_err(CRM_EX_DATAERR, &at, "%s", f == NULL ?
			    "no such field (free attributes are attr.KEY "
			    "columns)" : "is computed and cannot be imported");
		col[i] = crm_kind_index(k, f);
		if (args->val[col[i]] != NULL)
			return crm_err(CRM_EX_USAGE, &at, "given both as a "
			    "column and as an argument");
	}
	/*
	 * Without -u every row is new: required columns must be there (the
	 * customer of a history record may be named by customer_ref).
	 */
	for (j = 0; mode == CRM_W_ADD && j < k->nfields; j++) {
		if (!(k->fields[j].flags & CRM_F_REQUIRED) ||
		    args->val[j] != NULL)
			continue;
		for (i = 0; i < nf; i++)
			if (col[i] == j || (col[i] >= 0 && &k->fields[j] ==
			    crm_kind_owner(k) && (k->fields[col[i]].flags &
			    CRM_F_REFKEY)))
				break;
		if (i == nf) {
			at.field = k->fields[j].name;
			return crm_err(CRM_EX_DATAERR, &at, "the header has "
			    "no such column, and every new %s needs one",
			    k->name);
		}
	}
	return CRM_EX_OK;
}

/*
 * Where a member of a JSON record goes: a field's index, ATTR for an
 * attribute, TAGS for the manual tags, SKIP for what the record shape
 * computes (crm(7) "JSON records"); -1 with the error printed.
 */
enum { ATTR = -2, TAGS = -3, SKIP = -4 };

static int
jsonslot(const struct crm_kind *k, const struct crm_jmember *m,
    const struct crm_loc *at)
{
	const struct crm_field *f;
	const char *near;

	if (k->tags && strcmp(m->name, "tags") == 0) {
		if (m->type != CRM_J_LIST && m->type != CRM_J_NULL) {
			crm_err(CRM_EX_DATAERR, at, "not an array of tag "
			    "names");
			return -1;
		}
		return TAGS;
	}
	/* An event of crm-show's timeline says its kind. */
	if (crm_kind_owner(k) != NULL && strcmp(m->name, "type") == 0) {
		if (m->type == CRM_J_TEXT && strcmp(m->value, k->name) == 0)
			return SKIP;
		crm_err(CRM_EX_DATAERR, at, "not a record of %s", k->name);
		return -1;
	}
	/* crm-show's timeline, and the tiers, are not written back. */
	if ((k->tags && strncmp(m->name, "tier.", 5) == 0 &&
	    crm_scheme_find(m->name + 5) != NULL) ||
	    (k == crm_kind_customer() && strcmp(m->name, "timeline") == 0))
		return SKIP;
	f = crm_kind_field(k, m->name);
	if (f != NULL && ((f->flags & CRM_F_LIST) || (f->column == NULL &&
	    !(f->flags & CRM_F_REFKEY)) || (f->flags & CRM_F_DERIVED)))
		return SKIP;
	if (m->type != CRM_J_TEXT && m->type != CRM_J_NULL) {
		crm_err(CRM_EX_DATAERR, at, "not a string, a number or null");
		return -1;
	}
	if (k->attrs && strncmp(m->name, "attr.", 5) == 0) {
		if (crm_attr_key_valid(m->name + 5))
			return ATTR;
		crm_err(CRM_EX_DATAERR, at, "not a valid attribute name");
		return -1;
	}
	if (f == NULL && (near = crm_kind_near(k, m->name)) != NULL) {
		crm_err(CRM_EX_DATAERR, at, "no such field of %s (did you "
		    "mean %s?)", k->name, near);
		return -1;
	}
	if (f == NULL) {
		crm_err(CRM_EX_DATAERR, at, "no such field of %s", k->name);
		return -1;
	}
	if ((f->flags & CRM_F_READONLY) && f->type != CRM_T_ID) {
		crm_err(CRM_EX_DATAERR, at, "is computed and cannot be "
		    "imported");
		return -1;
	}
	return crm_kind_index(k, f);
}

/*
 * The records of -f: CSV, TSV or vCards (crm_csv) with their header, or
 * JSON Lines (-i json), each line naming its members.
 */
struct input {
	struct crm_csv		*csv;
	struct crm_jsonl	*jl;
	int			*col;	/* csv: the header's fields */
	int			 ncol;
};

/*
 * Open the input of -f; for CSV read the header and size r for it.  *total
 * the bytes there are to read when a duplicate can be found again by its
 * record number (lineof), else 0.
 */
static int
inopen(struct input *in, struct crm_store *st, struct crm_rec *r,
    const struct crm_kind *k, const struct crm_rec *args,
    enum crm_wmode mode, struct crm_loc *at, int64_t *total)
{
	const struct crm_cli *cli = crm_store_cli(st);
	char **fv;
	int64_t dummy;
	long line;
	int nf, i, rc;

	*total = 0;
	if (cli->infmt == CRM_IN_JSON) {
		if ((rc = crm_jsonl_open(&in->jl, cli->infile)) != CRM_EX_OK)
			return rc;
		at->file = crm_jsonl_name(in->jl);
		return crm_rec_init(r, k, args->nattr + 8);
	}
	if ((rc = crm_csv_open(&in->csv, cli->infile, cli->infmt)) !=
	    CRM_EX_OK)
		return rc;
	crm_csv_store(in->csv, st);
	at->file = crm_csv_name(in->csv);
	if ((rc = crm_csv_next(in->csv, &nf, &fv, &line)) != CRM_EX_OK)
		return rc == CRM_EX_NONE ? crm_err(CRM_EX_DATAERR, at,
		    "empty: a header line naming the fields comes first") : rc;
	in->ncol = nf;
	if ((in->col = calloc(nf + 1, sizeof *in->col)) == NULL ||
	    crm_rec_init(r, k, nf + args->nattr) != CRM_EX_OK)
		return crm_err(CRM_EX_SOFTWARE, NULL, "out of memory");
	if ((rc = header(r, args, nf, fv, in->col, at->file, mode)) !=
	    CRM_EX_OK)
		return rc;
	crm_csv_progress(in->csv, &dummy, total);
	/*
	 * Deferred indexes report a duplicate by record number, mapped to
	 * its line by re-reading the file: not for stdin, nor when ids are
	 * given (record numbers then no longer follow from ids).
	 */
	for (i = 0; i < nf; i++)
		if (in->col[i] == 0 || strcmp(cli->infile, "-") == 0)
			*total = 0;
	return CRM_EX_OK;
}

/* A CSV row into r: the header's columns, then the arguments' values. */
static int
csvrow(struct input *in, struct crm_rec *r, const struct crm_rec *args,
    const char **tags, struct crm_loc *at)
{
	char **fv;
	long line;
	int nf, i, rc;

	if ((rc = crm_csv_next(in->csv, &nf, &fv, &line)) != CRM_EX_OK)
		return rc;
	at->file = crm_csv_name(in->csv);	/* a folder's: each file's */
	at->line = line;
	if (nf != in->ncol)
		return crm_err(CRM_EX_DATAERR, at, "%d fields; the header "
		    "names %d", nf, in->ncol);
	for (i = 0; i < r->kind->nfields; i++)
		r->val[i] = args->val[i];
	for (i = 0; i < nf; i++) {
		if (in->col[i] == TAGCOL)
			*tags = fv[i];
		else if (in->col[i] >= 0)
			r->val[in->col[i]] = fv[i];
		else
			r->aval[-in->col[i] - 1] = fv[i];
	}
	at->field = "tags";
	if (*tags != NULL && (rc = tagsok(*tags, at)) != CRM_EX_OK)
		return rc;
	at->field = NULL;
	for (i = 0; i < args->nattr; i++)
		r->aval[crm_rec_attr(r, args->akey[i])] = args->aval[i];
	return CRM_EX_OK;
}

/* A JSON line into r: the arguments' values, then the line's members. */
static int
jsonrow(struct input *in, struct crm_rec *r, const struct crm_rec *args,
    const char **tags, struct crm_loc *at)
{
	const struct crm_kind *k = r->kind;
	const struct crm_jmember *m;
	long line;
	int nm, i, slot, rc;

	if ((rc = crm_jsonl_next(in->jl, &nm, &m, &line)) != CRM_EX_OK)
		return rc;
	at->line = line;
	/* Room for every attribute of the line, whatever came first. */
	if (r->nattr + nm > r->cap) {
		crm_rec_free(r);
		if ((rc = crm_rec_init(r, k, args->nattr + nm + 8)) !=
		    CRM_EX_OK)
			return rc;
	}
	crm_rec_clear(r);
	for (i = 0; i < k->nfields; i++)
		r->val[i] = args->val[i];
	for (i = 0; i < args->nattr; i++)
		r->aval[crm_rec_attr(r, args->akey[i])] = args->aval[i];
	for (i = 0; i < nm; i++) {
		at->field = m[i].name;
		if ((slot = jsonslot(k, &m[i], at)) == -1)
			return CRM_EX_DATAERR;
		if (slot >= 0 && args->val[slot] != NULL)
			return crm_err(CRM_EX_USAGE, at, "given both in the "
			    "record and as an argument");
		if (slot >= 0)
			r->val[slot] = m[i].value;
		else if (slot == TAGS)
			*tags = m[i].value;
		else if (slot == ATTR &&
		    (slot = crm_rec_attr(r, m[i].name)) >= 0)
			r->aval[slot] = m[i].value;
		else if (slot != SKIP)
			return crm_err(CRM_EX_SOFTWARE, NULL, "out of memory");
	}
	at->field = NULL;
	return CRM_EX_OK;
}

/*
 * -f: every record of the input written in the command's transaction,
 * its id kept for printing after the commit.  A CSV row's tags keep a
 * rule's tag the rule's, a JSON record's are its manual tags (crm-add(1)).
 */
static int
bulk(struct crm_cli *cli, struct crm_store *st, const struct crm_kind *k,
    const struct crm_rec *args, enum crm_wmode mode, const char *key,
    struct idlist *ids, int allow)
{
	struct input in = { NULL, NULL, NULL, 0 };
	struct crm_writer *w = NULL;
	struct crm_rec r = { 0 };
	struct relocate rl = { cli->infile, cli->infmt };
	struct progress pg = { 0 };
	struct crm_loc at = { NULL, 0, NULL };
	sqlite3_stmt *tagst[2] = { NULL, NULL }, *cardst = NULL;
	const char *tags;
	char msg[256];
	int added, rc;
	int64_t id, total, nadd = 0, nupd = 0;
	long rows = 0;

	if ((rc = inopen(&in, st, &r, k, args, mode, &at, &total)) !=
	    CRM_EX_OK ||
	    (rc = crm_writer_new(&w, st, k, mode, 1, total)) != CRM_EX_OK ||
	    (key != NULL && (rc = crm_writer_key(w, key)) != CRM_EX_OK))
		goto out;
	if (allow)
		crm_writer_allow_forgotten(w);
	pg.on = isatty(2) && !cli->quiet && in.csv != NULL;
	pg.start = pg.last = pg.on ? mono() : 0;
	pg.csv = in.csv;
	for (;;) {
		tags = NULL;
		crm_rec_clear(&r);
		if ((rc = (in.csv != NULL ? csvrow : jsonrow)(&in, &r, args,
		    &tags, &at)) != CRM_EX_OK)
			break;
		if ((rc = crm_writer_put(w, &r, &at, &id, &added)) !=
		    CRM_EX_OK)
			goto out;
		at.field = "tags";
		if (tags != NULL && (rc = in.csv != NULL ? settags(st, tagst,
		    id, tags) : crm_tags_manual(st, id, tags, &at)) !=
		    CRM_EX_OK)
			goto out;
		at.field = NULL;
		if (!added && in.csv != NULL && crm_csv_vcard(in.csv) &&
		    (rc = cardattrs(st, &cardst, id, &r)) != CRM_EX_OK)
			goto out;
		added ? nadd++ : nupd++;
		if (!cli->quiet && (rc = keepid(ids, id)) != CRM_EX_OK)
			goto out;
		if ((++rows & 1023) == 0)
			progress(&pg, rows, 0);
	}
	if (rc != CRM_EX_NONE)
		goto out;
	/* A duplicate found at the end is named by the file and its line. */
	if (in.csv != NULL)
		at.file = cli->infile;
	if ((rc = crm_writer_finish(w, in.csv != NULL ? lineof : NULL, &rl,
	    at.file)) != CRM_EX_OK)
		goto out;
	progress(&pg, rows, 1);
	snprintf(msg, sizeof msg, "%s: %lld added, %lld updated", at.file,
	    (long long)nadd, (long long)nupd);
	rc = crm_audit(st, k->name, 0, mode == CRM_W_UPSERT ? "import -u" :
	    "import", msg);
	if (rc == CRM_EX_OK && cli->dryrun && !cli->quiet)
		fprintf(stderr, "%s: dry run: %lld to add, %lld to update; "
		    "nothing written\n", crm_progname(), (long long)nadd,
		    (long long)nupd);
out:
	sqlite3_finalize(tagst[0]);
	sqlite3_finalize(tagst[1]);
	sqlite3_finalize(cardst);
	crm_rec_free(&r);
	free(in.col);
	crm_writer_free(w);
	crm_csv_close(in.csv);
	crm_jsonl_close(in.jl);
	return rc;
}

static int
add(struct crm_cli *cli, const char *kname, int argc, char **argv, int uflag,
    const char *key, int allow)
{
	const struct crm_kind *k;
	struct crm_store *st = NULL;
	struct crm_writer *w = NULL;
	struct crm_rec args = { 0 };
	struct crm_loc at = { NULL, 0, NULL };
	struct idlist ids = { NULL, 0, 0 };
	enum crm_wmode mode = uflag ? CRM_W_UPSERT : CRM_W_ADD;
	char *d = NULL;
	int i, rc, added;
	int64_t id;

	if ((rc = crm_kind_get(kname, &k)) != CRM_EX_OK)
		return rc;
	if ((rc = crm_rec_init(&args, k, argc)) != CRM_EX_OK)
		goto out;
	for (i = 0; i < argc; i++)
		if ((rc = crm_rec_assign(&args, argv[i])) != CRM_EX_OK)
			goto out;
	if (cli->infile == NULL && argc == 0) {
		rc = crm_usage_err(cli, "no field=value given, nor -f");
		goto out;
	}
	if ((rc = crm_store_open(&st, cli, cli->dryrun ?
	    CRM_CHANGE : CRM_WRITE)) != CRM_EX_OK)
		goto out;
	if (cli->infile != NULL) {
		if ((rc = bulk(cli, st, k, &args, mode, key, &ids,
		    allow)) != CRM_EX_OK)
			goto out;
	} else {
		if ((rc = crm_writer_new(&w, st, k, mode, 0, 0)) != CRM_EX_OK ||
		    (key != NULL && (rc = crm_writer_key(w, key)) !=
		    CRM_EX_OK))
			goto out;
		if (allow)
			crm_writer_allow_forgotten(w);
		if ((rc = crm_writer_put(w, &args, &at, &id, &added)) !=
		    CRM_EX_OK)
			goto out;
		d = crm_rec_json(&args);
		if ((rc = crm_audit(st, k->name, id, added ? "add" : "update",
		    d)) != CRM_EX_OK)
			goto out;
		if (!cli->quiet && (rc = keepid(&ids, id)) != CRM_EX_OK)
			goto out;
	}
	/*
	 * -n prints what a real run would, once every check has passed,
	 * the statistics of the commit included.
	 */
	if (!cli->dryrun)
		rc = crm_store_commit(st);
	else if ((rc = crm_stats_touch(st, 0)) == CRM_EX_OK)
		rc = crm_stats_refresh(st);
	if (rc != CRM_EX_OK)
		goto out;
	printids(&ids);
out:
	free(ids.run);
	free(d);
	crm_rec_free(&args);
	crm_writer_free(w);
	crm_store_close(st);
	return rc;
}

static const struct crm_opt opts[] = {
	{ 'u', "update", CRM_ARG_NONE, NULL, "update: a row whose id, ref "
	    "or e-mail (or --key) is stored changes that record", NULL, 0,
	    0 },
	{ OPT_KEY, "key", CRM_ARG_KEY, "field", "with -u, match on this "
	    "unique key (fields separated by commas)", NULL, 0, 0 },
	{ OPT_ALLOW, "allow-forgotten", CRM_ARG_NONE, NULL, "add or update "
	    "customers whose ref, e-mail or phone a forgotten one had",
	    NULL, 0, 0 },
	{ 0, "kind", CRM_ARG_KIND, "kind", "the kind of record", NULL, 0,
	    0 },
	{ 0, "field=value", CRM_ARG_TEXT, "[field=value ...]", "the values "
	    "(with -f: for every row)", NULL, 0, 0 },
	{ 0 },
};

int
main(int argc, char *argv[])
{
	struct crm_cli cli;
	const char *key = NULL;
	int c, uflag = 0, allow = 0;

	crm_cli_begin(&cli, argc, argv, opts, "dfinqA");
	while ((c = crm_cli_next(&cli)) != -1) {
		switch (c) {
		case 'u':
			uflag = 1;
			break;
		case OPT_KEY:
			key = cli.arg;
			break;
		case OPT_ALLOW:
			allow = 1;
			break;
		default:
			return crm_usage(&cli);
		}
	}
	argc -= cli.optind;
	argv += cli.optind;
	if (argc < 1)
		return crm_usage_err(&cli, "the kind of record is missing");
	if (key != NULL && !uflag)
		return crm_usage_err(&cli, "--key: only with -u");
	return crm_cli_end(&cli, add(&cli, argv[0], argc - 1, argv + 1,
	    uflag, key, allow));
}
