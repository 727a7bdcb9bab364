/*
 * jsonl.c: reading JSON Lines through json-c, one object a line, for
 * crm-add -i json.  Numbers keep the text they were written with (json-c
 * holds it), so money like 12.30 reaches crm_money_parse exactly.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "crm-int.h"

struct crm_jsonl {
	FILE			 *fp;
	const char		 *name;
	long			  line;
	char			 *buf;
	size_t			  cap;
	struct json_tokener	 *tok;
	struct json_object	 *obj;		/* the current line's */
	struct crm_jmember	 *m;
	int			  nm;
	size_t			  capm;
	char			**lists;	/* joined arrays */
	int			  nlists;
};

int
crm_jsonl_open(struct crm_jsonl **out, const char *path)
{
	struct crm_loc at = { path, 0, NULL };
	struct crm_jsonl *j;

	if ((*out = j = calloc(1, sizeof *j)) == NULL ||
	    (j->tok = json_tokener_new()) == NULL)
		return crm_err(CRM_EX_SOFTWARE, NULL, "out of memory");
	/* No comments, no trailing commas, no bad UTF-8: JSON as RFC 8259. */
	json_tokener_set_flags(j->tok, JSON_TOKENER_STRICT |
	    JSON_TOKENER_VALIDATE_UTF8);
	if (strcmp(path, "-") == 0) {
		j->fp = stdin;
		j->name = "stdin";
		return CRM_EX_OK;
	}
	j->name = path;
	if ((j->fp = fopen(path, "rb")) == NULL)
		return crm_err(errno == ENOENT || errno == ENOTDIR ?
		    CRM_EX_NOINPUT : CRM_EX_IOERR, &at, "cannot open:");
	return CRM_EX_OK;
}

const char *
crm_jsonl_name(const struct crm_jsonl *j)
{
	return j->name;
}

static void
drop(struct crm_jsonl *j)
{
	int i;

	json_object_put(j->obj);
	j->obj = NULL;
	for (i = 0; i < j->nlists; i++)
		free(j->lists[i]);
	j->nlists = 0;
	j->nm = 0;
}

/* An array of strings holding no comma, joined by commas; else NULL. */
static char *
join(struct json_object *a)
{
	struct json_object *e;
	size_t i, n = json_object_array_length(a), len = 0;
	const char *s;
	char *out, *p;

	for (i = 0; i < n; i++) {
		e = json_object_array_get_idx(a, i);
		if (!json_object_is_type(e, json_type_string) ||
		    strchr(json_object_get_string(e), ',') != NULL ||
		    *json_object_get_string(e) == '\0')
			return NULL;
		len += strlen(json_object_get_string(e)) + 1;
	}
	if ((p = out = malloc(len + 1)) == NULL)
		return NULL;
	*p = '\0';
	for (i = 0; i < n; i++) {
		s = json_object_get_string(json_object_array_get_idx(a, i));
		p += sprintf(p, "%s%s", i ? "," : "", s);
	}
	return out;
}

static int
member(struct crm_jsonl *j, const char *name, struct json_object *v)
{
	struct crm_jmember *m;
	char **nl;

	if (crm_grow(&j->m, &j->capm, j->nm, sizeof *j->m) !=
	    CRM_EX_OK)
		return CRM_EX_SOFTWARE;
	m = &j->m[j->nm++];
	m->name = name;
	m->value = NULL;
	switch (json_object_get_type(v)) {
	case json_type_null:
		m->type = CRM_J_NULL;
		break;
	case json_type_string:
	case json_type_int:
	case json_type_double:
		/* A number as it was written; a string as it is. */
		m->type = CRM_J_TEXT;
		m->value = json_object_get_string(v);
		break;
	case json_type_array:
		m->type = CRM_J_OTHER;
		if ((nl = realloc(j->lists, (j->nlists + 1) *
		    sizeof *j->lists)) == NULL)
			return crm_err(CRM_EX_SOFTWARE, NULL, "out of memory");
		j->lists = nl;
		if ((m->value = j->lists[j->nlists] = join(v)) != NULL) {
			m->type = CRM_J_LIST;
			j->nlists++;
		}
		break;
	default:
		m->type = CRM_J_OTHER;
		break;
	}
	return CRM_EX_OK;
}

int
crm_jsonl_next(struct crm_jsonl *j, int *n, const struct crm_jmember **m,
    long *line)
{
	struct crm_loc at = { j->name, 0, NULL };
	enum json_tokener_error e;
	ssize_t len;
	size_t used;
	int rc;

	drop(j);
	for (;;) {
		errno = 0;
		if ((len = getline(&j->buf, &j->cap, j->fp)) == -1) {
			if (ferror(j->fp))
				return crm_err(CRM_EX_IOERR, &at, "read "
				    "error:");
			return CRM_EX_NONE;
		}
		at.line = ++j->line;
		/* A UTF-8 byte order mark is not part of the first line. */
		if (j->line == 1 && len >= 3 &&
		    memcmp(j->buf, "\xef\xbb\xbf", 3) == 0) {
			memmove(j->buf, j->buf + 3, len - 2);
			len -= 3;
		}
		if (strspn(j->buf, " \t\r\n") != (size_t)len)
			break;
	}
	if (memchr(j->buf, '\0', len) != NULL)
		return crm_err(CRM_EX_DATAERR, &at, "a NUL byte");
	json_tokener_reset(j->tok);
	j->obj = json_tokener_parse_ex(j->tok, j->buf, (int)len);
	e = json_tokener_get_error(j->tok);
	used = json_tokener_get_parse_end(j->tok);
	if (e == json_tokener_continue)
		return crm_err(CRM_EX_DATAERR, &at, "not JSON: the line ends "
		    "inside a value (JSON Lines: one object a line)");
	if (e != json_tokener_success)
		return crm_err(CRM_EX_DATAERR, &at, "not JSON: %s at column "
		    "%zu", json_tokener_error_desc(e), used + 1);
	if (strspn(j->buf + used, " \t\r\n") != (size_t)len - used)
		return crm_err(CRM_EX_DATAERR, &at, "not JSON: more after the "
		    "object at column %zu (JSON Lines: one object a line)",
		    used + 1);
	if (!json_object_is_type(j->obj, json_type_object))
		return crm_err(CRM_EX_DATAERR, &at, "not a JSON object: each "
		    "line is one record");
	json_object_object_foreach(j->obj, key, val)
		if ((rc = member(j, key, val)) != CRM_EX_OK)
			return rc;
	*n = j->nm;
	*m = j->m;
	*line = j->line;
	return CRM_EX_OK;
}

void
crm_jsonl_close(struct crm_jsonl *j)
{
	if (j == NULL)
		return;
	drop(j);
	if (j->fp != NULL && j->fp != stdin)
		fclose(j->fp);
	if (j->tok != NULL)
		json_tokener_free(j->tok);
	free(j->lists);
	free(j->m);
	free(j->buf);
	free(j);
}
