/* gdbench-compare --paired: per-pair log ratios of the per-file medians (compare_paired.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compare_paired.h"
#include "stats.h"

static size_t count_files(const char *list)
{
	size_t n = 1;
	for (const char *c = list; *c; c++)
		n += *c == ',';
	return n;
}

/* the files of LIST, one rs_set each, into sets[0..) */
static int load_each(rs_set *sets, const char *list, char *err, size_t errlen)
{
	char *copy = strdup(list), *save = NULL;
	if (!copy)
		return snprintf(err, errlen, "out of memory"), -1;
	size_t i = 0;
	int rc = 0;
	for (char *p = strtok_r(copy, ",", &save); p && !rc; p = strtok_r(NULL, ",", &save))
		rc = rs_load(&sets[i++], p, err, errlen);
	free(copy);
	return rc;
}

int cp_load(cp_sides *s, const char *base, const char *new_, char *err, size_t errlen)
{
	size_t na = count_files(base), nb = count_files(new_);
	*s = (cp_sides){ 0 };
	if (na != nb)
		return snprintf(err, errlen,
		                "--paired: BASE names %zu file%s and NEW %zu: give one file per process on each side, "
		                "in the order they were measured", na, na == 1 ? "" : "s", nb), -1;
	s->a = calloc(na, sizeof(rs_set));
	s->b = calloc(na, sizeof(rs_set));
	if (!s->a || !s->b)
		return snprintf(err, errlen, "out of memory"), -1;
	s->n = na;
	return load_each(s->a, base, err, errlen) || load_each(s->b, new_, err, errlen) ? -1 : 0;
}

static const rs_entry *find(const rs_set *s, const char *key)
{
	for (size_t j = 0; j < s->n; j++)
		if (!strcmp(s->e[j].key, key))
			return &s->e[j];
	return NULL;
}

size_t cp_log_ratios(const cp_sides *s, const char *key, double *d)
{
	size_t k = 0;
	for (size_t i = 0; i < s->n; i++) {
		const rs_entry *ea = find(&s->a[i], key), *eb = find(&s->b[i], key);
		if (!ea || !eb || !ea->n || !eb->n)
			continue;
		double ma = gd_median(ea->v, ea->n), mb = gd_median(eb->v, eb->n);
		if (isinf(ma) && isinf(mb))
			d[k++] = 0; /* a target reached on neither side: no change */
		else
			d[k++] = ea->higher_better ? log(ma / mb) : log(mb / ma);
	}
	return k;
}

void cp_free(cp_sides *s)
{
	for (size_t i = 0; i < s->n; i++) {
		if (s->a)
			rs_free(&s->a[i]);
		if (s->b)
			rs_free(&s->b[i]);
	}
	free(s->a);
	free(s->b);
	*s = (cp_sides){ 0 };
}
