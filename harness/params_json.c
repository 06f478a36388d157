/*
 * User parameter-set files (results/params.schema.json):
 *   {"name": "tiny", "source": "optional", "tensors": [{"name": "w", "shape": [4, 3]}, ...]}
 * Errors are "path:line:column: what": jansson's position for syntax errors;
 * for a value that parses but is wrong, jansson keeps no positions, so the
 * text is scanned again (locate) to the offending value, or, for a missing
 * key, to the object that lacks it (the message says "this object").
 */
#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gd_error.h"
#include "params_priv.h"

/* One step of a path from the document's root to a value. */
typedef struct jstep {
	enum { STEP_MEMBER, STEP_KEY, STEP_ELEM } kind; /* a member's value, its key (last step only), an element */
	size_t n;                                        /* which member or element, from 0 */
} jstep;

typedef struct scan {
	const char *s;
	size_t len, i;
	int line, col; /* of s[i], from 1; the column counts characters, as jansson's does */
} scan;

static void adv(scan *p)
{
	if (p->i >= p->len)
		return;
	if (p->s[p->i++] == '\n') {
		p->line++;
		p->col = 1;
	} else if (p->i >= p->len || ((unsigned char)p->s[p->i] & 0xc0) != 0x80) {
		p->col++; /* onto the first byte of the next character */
	}
}

static char cur(const scan *p)
{
	return p->i < p->len ? p->s[p->i] : 0;
}

static void skip_ws(scan *p)
{
	while (p->i < p->len && strchr(" \t\r\n", p->s[p->i]))
		adv(p);
}

/* Skip one value of text jansson has already accepted (so: well formed). */
static void skip_value(scan *p)
{
	int depth = 0;
	do {
		skip_ws(p);
		char c = cur(p);
		if (c == '"') {
			adv(p);
			while (p->i < p->len && cur(p) != '"') {
				if (cur(p) == '\\')
					adv(p);
				adv(p);
			}
			adv(p);
		} else if (c == '{' || c == '[') {
			depth++;
			adv(p);
		} else if (c == '}' || c == ']') {
			depth--;
			adv(p);
		} else if (c == ',' || c == ':') {
			adv(p);
		} else if (c) { /* a number or a literal */
			while (p->i < p->len && !strchr(" \t\r\n,:]}", cur(p)))
				adv(p);
		} else {
			return;
		}
	} while (depth > 0);
}

/* Line and column of the value (or key) at path in text; 1:1 if the text
 * does not hold it (it does: the path comes from jansson's parse of it). */
static void locate(const char *text, size_t len, const jstep *path, int npath, int *line, int *col)
{
	scan p = { text, len, 0, 1, 1 };
	skip_ws(&p);
	for (int k = 0; k < npath; k++) {
		adv(&p); /* '{' or '[' */
		for (size_t m = 0;; m++) {
			skip_ws(&p);
			if (path[k].kind != STEP_ELEM) {
				if (m == path[k].n && path[k].kind == STEP_KEY)
					break;
				skip_value(&p); /* the key */
				skip_ws(&p);
				adv(&p); /* ':' */
				skip_ws(&p);
			}
			if (m == path[k].n)
				break;
			skip_value(&p);
			skip_ws(&p);
			if (cur(&p) != ',') {
				*line = *col = 1;
				return;
			}
			adv(&p);
		}
	}
	*line = p.line;
	*col = p.col;
}

/* Which member of obj key is (jansson keeps members in the order of the text). */
static size_t member_index(json_t *obj, const char *key)
{
	size_t n = 0;
	for (void *it = json_object_iter(obj); it; it = json_object_iter_next(obj, it), n++)
		if (!strcmp(json_object_iter_key(it), key))
			return n;
	return n;
}

typedef struct reader {
	const char *path, *text;
	size_t len;
	char *err;
	size_t errlen;
	jstep at[6]; /* the path to the value being checked */
	int nat;
} reader;

static int fail(const reader *r, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(const reader *r, int code, const char *fmt, ...)
{
	int line, col;
	locate(r->text, r->len, r->at, r->nat, &line, &col);
	int n = snprintf(r->err, r->errlen, "%s:%d:%d: ", r->path, line, col);
	if (n >= 0 && (size_t)n < r->errlen) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(r->err + n, r->errlen - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return code;
}

/* Descend into the member key of the object at r->at (pop with r->nat--). */
static void push_member(reader *r, json_t *obj, const char *key, int as_key)
{
	r->at[r->nat++] = (jstep){ as_key ? STEP_KEY : STEP_MEMBER, member_index(obj, key) };
}

static void push_elem(reader *r, size_t i)
{
	r->at[r->nat++] = (jstep){ STEP_ELEM, i };
}

/* Messages name the value by its JSON path: what is "" for the document's
 * root, else "tensors[3]"; sep(what) is what joins a key to it. */
static const char *sep(const char *what)
{
	return *what ? "." : "";
}

/* Every key of obj is one of allowed (NULL-terminated). */
static int check_keys(reader *r, json_t *obj, const char *const *allowed, const char *what, const char *expect)
{
	const char *key;
	json_t *v;
	json_object_foreach(obj, key, v) {
		int ok = 0;
		for (const char *const *a = allowed; *a && !ok; a++)
			ok = !strcmp(key, *a);
		if (!ok) {
			push_member(r, obj, key, 1);
			return fail(r, GD_EFORMAT, "%s%sunknown key \"%s\" (expected %s)", what, *what ? ": " : "", key,
			            expect);
		}
	}
	return 0;
}

/* A required key is absent: the position is the enclosing object's. */
static int missing(const reader *r, const char *what, const char *key, const char *expect)
{
	return fail(r, GD_EFORMAT, "%s%sthe object starting here has no \"%s\" (expected %s)", what,
	            *what ? ": " : "", key, expect);
}

/* A non-empty string member key of obj into *out. */
static int string_member(reader *r, json_t *obj, const char *key, int required, const char *what,
                         const char *expect, const char **out)
{
	json_t *v = json_object_get(obj, key);
	*out = NULL;
	if (!v)
		return required ? missing(r, what, key, expect) : 0;
	push_member(r, obj, key, 0);
	if (!json_is_string(v) || !json_string_length(v))
		return fail(r, GD_EFORMAT, "%s%s%s: %s (expected %s)", what, sep(what), key,
		            json_is_string(v) ? "empty string" : "not a string", expect);
	r->nat--;
	*out = json_string_value(v);
	return 0;
}

typedef struct name_ix {
	const char *name;
	size_t i;
} name_ix;

static int name_cmp(const void *a, const void *b)
{
	const name_ix *x = a, *y = b;
	int c = strcmp(x->name, y->name);
	return c ? c : (x->i > y->i) - (x->i < y->i);
}

/* The shape of tensors[i] (at r->at) into shape/ndim: 1..4 positive integers. */
static int read_shape(reader *r, json_t *sh, size_t i, size_t shape[GD_PARAM_MAXDIM], int *ndim)
{
	static const char expect[] = "an array of 1 to 4 positive integers";
	if (!json_is_array(sh))
		return fail(r, GD_EFORMAT, "tensors[%zu].shape: not an array (expected %s)", i, expect);
	size_t n = json_array_size(sh);
	if (n < 1 || n > GD_PARAM_MAXDIM)
		return fail(r, GD_EFORMAT, "tensors[%zu].shape: %zu dimensions (expected 1 to %d)", i, n, GD_PARAM_MAXDIM);
	size_t numel = 1;
	for (size_t k = 0; k < n; k++) {
		json_t *d = json_array_get(sh, k);
		push_elem(r, k);
		if (!json_is_integer(d))
			return fail(r, GD_EFORMAT, "tensors[%zu].shape[%zu]: %s (expected a positive integer)", i, k,
			            json_is_number(d) ? "not an integer" : "not a number");
		json_int_t v = json_integer_value(d);
		if (v <= 0)
			return fail(r, GD_EFORMAT, "tensors[%zu].shape[%zu]: %lld is not positive (expected a positive integer)",
			            i, k, (long long)v);
		if ((unsigned long long)v > SIZE_MAX || numel > SIZE_MAX / (size_t)v)
			return fail(r, GD_ERANGE, "tensors[%zu].shape[%zu]: %lld makes the tensor's element count overflow",
			            i, k, (long long)v);
		numel *= (size_t)v;
		shape[k] = (size_t)v;
		r->nat--;
	}
	*ndim = (int)n;
	return 0;
}

/* tensors[i], at r->at, appended to b; its name into *name. On failure r->at
 * is left at the offending value (fail() has used it). */
static int read_tensor(reader *r, json_t *t, size_t i, gd_pbuild *b, const char **name)
{
	static const char *const keys[] = { "name", "shape", NULL };
	char what[48];
	snprintf(what, sizeof(what), "tensors[%zu]", i);
	if (!json_is_object(t))
		return fail(r, GD_EFORMAT, "%s: not an object (expected {\"name\": ..., \"shape\": [...]})", what);
	int rc;
	if ((rc = check_keys(r, t, keys, what, "name or shape")) ||
	    (rc = string_member(r, t, "name", 1, what, "a non-empty string", name)))
		return rc;
	json_t *sh = json_object_get(t, "shape");
	if (!sh)
		return missing(r, what, "shape", "an array of 1 to 4 positive integers");
	push_member(r, t, "shape", 0);
	size_t shape[GD_PARAM_MAXDIM];
	int ndim = 0;
	if ((rc = read_shape(r, sh, i, shape, &ndim)))
		return rc;
	gd__pb_add(b, shape, ndim, "%s", *name);
	/* read_shape bounds the tensor's count: ERANGE here is the set's total */
	if (b->rc == GD_ERANGE)
		return fail(r, GD_ERANGE, "%s.shape: the set's element count overflows", what);
	r->nat--;
	return b->rc;
}

/* The first tensor (in file order) whose name an earlier one has, or nt;
 * sorting by (name, index) puts a repeat right after its first use. */
static size_t first_repeat(name_ix *names, size_t nt, size_t *first)
{
	qsort(names, nt, sizeof(*names), name_cmp);
	size_t dup = nt;
	for (size_t k = 1; k < nt; k++)
		if (!strcmp(names[k].name, names[k - 1].name) && names[k].i < dup) {
			dup = names[k].i;
			*first = names[k - 1].i;
		}
	return dup;
}

static int read_set(reader *r, json_t *doc, gd_param_set *out)
{
	static const char *const keys[] = { "name", "source", "tensors", NULL };
	if (!json_is_object(doc))
		return fail(r, GD_EFORMAT, "not an object (expected {\"name\": ..., \"tensors\": [...]})");
	int rc;
	const char *name, *source;
	if ((rc = check_keys(r, doc, keys, "", "name, source or tensors")) ||
	    (rc = string_member(r, doc, "name", 1, "", "a non-empty string, the set's name", &name)) ||
	    (rc = string_member(r, doc, "source", 0, "", "a non-empty string", &source)))
		return rc;
	json_t *ts = json_object_get(doc, "tensors");
	if (!ts)
		return missing(r, "", "tensors", "an array of {\"name\", \"shape\"} objects");
	push_member(r, doc, "tensors", 0);
	if (!json_is_array(ts))
		return fail(r, GD_EFORMAT, "tensors: not an array (expected an array of {\"name\", \"shape\"} objects)");
	size_t nt = json_array_size(ts);
	if (!nt)
		return fail(r, GD_EFORMAT, "tensors: empty (expected at least one tensor)");
	name_ix *names = malloc(nt * sizeof(*names));
	if (!names)
		return GD_ENOMEM;
	gd_pbuild b;
	gd__pb_begin(&b, out, name, source ? source : r->path);
	for (size_t i = 0; i < nt && !rc && !b.rc; i++) {
		push_elem(r, i);
		names[i].i = i;
		rc = read_tensor(r, json_array_get(ts, i), i, &b, &names[i].name);
		r->nat--;
	}
	size_t first = 0, dup = !rc && !b.rc ? first_repeat(names, nt, &first) : nt;
	if (dup < nt) {
		push_elem(r, dup);
		push_member(r, json_array_get(ts, dup), "name", 0);
		rc = fail(r, GD_EFORMAT, "tensors[%zu].name: \"%s\" repeats tensors[%zu]'s (expected unique names)", dup,
		          json_string_value(json_object_get(json_array_get(ts, dup), "name")), first);
	}
	free(names);
	if (rc && !b.rc)
		b.rc = rc;
	return gd__pb_end(&b);
}

/* The whole file, NUL-terminated; 0, or -errno. */
static int slurp(const char *path, char **out, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return -errno;
	char *buf = NULL;
	size_t n = 0, cap = 0;
	int rc = 0;
	for (;;) {
		if (n + 65536 + 1 > cap) {
			cap = cap ? 2 * cap : 65536 * 2;
			char *nb = realloc(buf, cap);
			if (!nb) {
				rc = GD_ENOMEM;
				break;
			}
			buf = nb;
		}
		size_t got = fread(buf + n, 1, 65536, f);
		n += got;
		if (got < 65536) {
			if (ferror(f))
				rc = errno ? -errno : GD_EIO;
			break;
		}
	}
	fclose(f);
	if (rc) {
		free(buf);
		return rc;
	}
	buf[n] = 0;
	*out = buf;
	*len = n;
	return 0;
}

int gd__params_read_json(const char *path, gd_param_set *out, char *err, size_t errlen)
{
	memset(out, 0, sizeof(*out));
	char *text = NULL;
	size_t len = 0;
	int rc = slurp(path, &text, &len);
	if (rc == GD_ENOMEM)
		return rc;
	if (rc) {
		char names[128] = "";
		for (size_t i = 0; i < gd__params_nbuiltins; i++)
			snprintf(names + strlen(names), sizeof(names) - strlen(names), "%s%s", i ? ", " : "",
			         gd__params_builtins[i].name);
		snprintf(err, errlen, "'%s' is neither a built-in parameter set (%s) nor a readable file: %s", path, names,
		         gd_strerror(rc));
		return GD_ENOENT;
	}
	json_error_t e;
	/* duplicate keys are refused, so the members of an object are those of
	 * its text, in order, which locate() relies on */
	json_t *doc = json_loadb(text, len, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, &e);
	if (!doc) {
		/* jansson's column is 0 for an error at the start of a line (an empty
		 * file, an early end after a newline): that is column 1 */
		snprintf(err, errlen, "%s:%d:%d: %s", path, e.line, e.column > 0 ? e.column : 1, e.text);
		free(text);
		return GD_EFORMAT;
	}
	reader r = { .path = path, .text = text, .len = len, .err = err, .errlen = errlen };
	rc = read_set(&r, doc, out);
	json_decref(doc);
	free(text);
	return rc;
}
