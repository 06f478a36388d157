/* Suite files expanded to `gdbench run` argument lists (see suite.h). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "suite.h"

static const char *const suite_keys[] = {
	"model", "problem", "data", "test-data", "no-test", "data-dir", "hidden", "l1", "l2", "opt", "mode",
	"schedule", "clip", "noise", "threads", "placement", "oversubscribe", "strict-pin", "isa", "impl", "time",
	"epochs", "target", "eval-every", "seed", "repeat", "storage", "sparse-update", "bucket-mb", "keep-params", NULL,
};
static const char *const bool_keys[] = { "no-test", "oversubscribe", "strict-pin", "keep-params", NULL };

static int in(const char *key, const char *const *set)
{
	for (int k = 0; set[k]; k++)
		if (!strcmp(key, set[k]))
			return 1;
	return 0;
}

static int fail(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

/* A scalar as option text; nonzero when v is not a string or number, or too long. */
static int scalar_text(const json_t *v, char *buf, size_t len)
{
	int w;
	if (json_is_string(v))
		w = snprintf(buf, len, "%s", json_string_value(v));
	else if (json_is_integer(v))
		w = snprintf(buf, len, "%lld", (long long)json_integer_value(v));
	else if (json_is_real(v))
		w = snprintf(buf, len, "%.17g", json_real_value(v));
	else
		return 1;
	return w < 0 || (size_t)w >= len || strlen(buf) != (size_t)w; /* an embedded NUL is not an option */
}

typedef struct {
	char **av;
	int ac;
	char *pool;
	size_t used;
} argbuf;

/* Append "--key" (and value when not NULL) as arguments; nonzero when full. */
static int push(argbuf *b, const char *key, const char *value)
{
	size_t klen = strlen(key) + 3, vlen = value ? strlen(value) + 1 : 0;
	if (b->ac + 2 + (value != NULL) > SUITE_MAX_ARGS - 4 || b->used + klen + vlen > SUITE_POOL)
		return 1;
	char *k = b->pool + b->used;
	snprintf(k, klen, "--%s", key);
	b->av[b->ac++] = k;
	b->used += klen;
	if (value) {
		memcpy(b->pool + b->used, value, vlen);
		b->av[b->ac++] = b->pool + b->used;
		b->used += vlen;
	}
	return 0;
}

static int group_args(const json_t *g, size_t gi, argbuf *b, char *err, size_t errlen)
{
	const char *key;
	json_t *v;
	json_object_foreach((json_t *)g, key, v) {
		if (!in(key, suite_keys))
			return fail(err, errlen, "group %zu: unknown key '%s' (keys are run's long options: see "
			            "'gdbench run --help')", gi, key);
		int isbool = in(key, bool_keys);
		if (isbool != json_is_boolean(v))
			return fail(err, errlen, "group %zu: '%s' must be %s", gi, key,
			            isbool ? "true or false" : "a string, a number or a list of them");
		if (isbool) {
			if (json_is_true(v) && push(b, key, NULL))
				return fail(err, errlen, "group %zu: too many options", gi);
			continue;
		}
		size_t n = json_is_array(v) ? json_array_size(v) : 1;
		if (n == 0)
			return fail(err, errlen, "group %zu: '%s' is an empty list", gi, key);
		int per_item = !strcmp(key, "opt"); /* one --opt per entry: specs contain no commas */
		char val[1024] = "";
		size_t vlen = 0;
		for (size_t i = 0; i < n; i++) {
			char item[512];
			const json_t *e = json_is_array(v) ? json_array_get(v, i) : v;
			if (scalar_text(e, item, sizeof(item)))
				return fail(err, errlen, "group %zu: '%s' must be a string, a number or a list of them "
				            "(each under 512 bytes)", gi, key);
			size_t ilen = strlen(item);
			if (!per_item && i > 0)
				val[vlen++] = ',';
			if (per_item)
				vlen = 0;
			if (vlen + ilen + 1 > sizeof(val))
				return fail(err, errlen, "group %zu: '%s' is longer than %zu bytes", gi, key, sizeof(val) - 1);
			memcpy(val + vlen, item, ilen + 1);
			vlen += ilen;
			if ((per_item || i == n - 1) && push(b, key, val))
				return fail(err, errlen, "group %zu: too many options", gi);
		}
	}
	return 0;
}

int suite_expand(const json_t *s, char *const *base, int nbase, suite_plan *plan, char *err, size_t errlen)
{
	if (!json_is_object(s))
		return fail(err, errlen, "the top level must be an object with name, description, groups");
	const char *key;
	json_t *v;
	json_object_foreach((json_t *)s, key, v) {
		if (strcmp(key, "name") && strcmp(key, "description") && strcmp(key, "groups"))
			return fail(err, errlen, "unknown top-level key '%s' (expected name, description, groups)", key);
	}
	const json_t *groups = json_object_get(s, "groups");
	if (!json_is_array(groups) || !json_array_size(groups))
		return fail(err, errlen, "'groups' must be a non-empty list of objects");
	size_t ng = json_array_size(groups);
	if (ng > SUITE_MAX_GROUPS)
		return fail(err, errlen, "%zu groups, more than %d", ng, SUITE_MAX_GROUPS);
	if (nbase > SUITE_MAX_ARGS / 2)
		return fail(err, errlen, "more than %d command-line arguments", SUITE_MAX_ARGS / 2);
	plan->ngroups = (int)ng;
	for (size_t gi = 0; gi < ng; gi++) {
		const json_t *g = json_array_get(groups, gi);
		if (!json_is_object(g))
			return fail(err, errlen, "group %zu is not an object", gi);
		argbuf b = { plan->argv[gi], 0, plan->pool[gi], 0 };
		b.av[b.ac++] = "run";
		for (int i = 0; i < nbase; i++)
			b.av[b.ac++] = base[i];
		if (group_args(g, gi, &b, err, errlen))
			return -1;
		plan->argc[gi] = b.ac;
		b.av[b.ac] = NULL;
	}
	return 0;
}
