/* Result files read into entries for gdbench-compare (see resultset.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonread.h"
#include "resultset.h"
#include "runlabel.h"

static rs_entry *find_or_add(rs_set *s, const char *key)
{
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->e[i].key, key))
			return &s->e[i];
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 64;
		rs_entry *ne = realloc(s->e, s->cap * sizeof(rs_entry));
		if (!ne)
			return NULL;
		s->e = ne;
	}
	rs_entry *e = &s->e[s->n++];
	memset(e, 0, sizeof(*e));
	snprintf(e->key, sizeof(e->key), "%s", key);
	return e;
}

static int push(rs_entry *e, double x)
{
	if (e->n == e->cap) {
		e->cap = e->cap ? 2 * e->cap : 8;
		double *nv = realloc(e->v, e->cap * sizeof(double));
		if (!nv)
			return -1;
		e->v = nv;
	}
	e->v[e->n++] = x;
	return 0;
}

double rs_num(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);
	return json_is_number(v) ? json_number_value(v) : NAN;
}

const char *rs_str(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);
	return json_is_string(v) ? json_string_value(v) : "";
}

/* Google Benchmark JSON: one value per repetition row; aggregates skipped. */
static int load_kernels(rs_set *s, char *err, size_t errlen)
{
	json_t *b = json_object_get(s->doc, "benchmarks");
	size_t i;
	json_t *row;
	json_array_foreach(b, i, row) {
		if (json_object_get(row, "peer")) { /* another program's timings: compare_peer.c pairs them */
			s->peer = 1;
			continue;
		}
		if (!strcmp(rs_str(row, "run_type"), "aggregate") || json_is_true(json_object_get(row, "error_occurred")))
			continue;
		const char *name = *rs_str(row, "run_name") ? rs_str(row, "run_name") : rs_str(row, "name");
		double x;
		const char *metric;
		if (isfinite(x = rs_num(row, "roofline")))
			metric = "roofline";
		else if (isfinite(x = rs_num(row, "xread")))
			metric = "xread";
		else {
			snprintf(err, errlen, "%s: benchmark '%s' has neither a roofline nor an xread counter "
			         "(not written by gdbench kernels?)", s->path, name);
			return -1;
		}
		char key[512];
		snprintf(key, sizeof(key), "%s/threads:%lld", name, (long long)json_integer_value(json_object_get(row, "threads")));
		rs_entry *e = find_or_add(s, key);
		if (!e || push(e, x))
			return snprintf(err, errlen, "out of memory"), -1;
		snprintf(e->metric, sizeof(e->metric), "%s", metric);
		e->higher_better = 1;
	}
	return 0;
}

/* gdbench run results: one value per repetition of a configuration. */
static int load_runs(rs_set *s, char *err, size_t errlen)
{
	json_t *runs = json_object_get(s->doc, "runs");
	size_t i;
	json_t *r;
	json_array_foreach(runs, i, r) {
		json_t *pb = json_object_get(r, "problem"), *op = json_object_get(r, "optimizer");
		json_t *kn = json_object_get(r, "kernels"), *sm = json_object_get(r, "summary");
		if (!pb || !op || !kn || !sm) {
			snprintf(err, errlen, "%s: run %zu lacks problem/optimizer/kernels/summary (see results/schema.json)",
			         s->path, i);
			return -1;
		}
		char key[512], mode[64];
		gd_run_mode_label(r, mode, sizeof(mode));
		snprintf(key, sizeof(key), "%s %s %s %s T=%lld %s %s", rs_str(pb, "model"), rs_str(pb, "dataset"),
		         rs_str(op, "name"), mode,
		         (long long)json_integer_value(json_object_get(r, "threads")), rs_str(kn, "gradient"), rs_str(kn, "update"));
		json_t *mpi = json_object_get(r, "mpi");
		if (mpi) /* runs on R ranks pair only with runs on R ranks */
			snprintf(key + strlen(key), sizeof(key) - strlen(key), " R=%lld",
			         (long long)json_integer_value(json_object_get(mpi, "ranks")));
		rs_entry *e = find_or_add(s, key);
		if (!e)
			return snprintf(err, errlen, "out of memory"), -1;
		json_t *ttt = json_array_get(json_object_get(sm, "time_to_target"), 0);
		double x;
		if (ttt) {
			json_t *t = json_object_get(ttt, "train_s");
			x = json_is_number(t) ? json_number_value(t) : INFINITY;
			snprintf(e->metric, sizeof(e->metric), "t(<=%g)", rs_num(ttt, "target"));
			e->higher_better = 0;
		} else {
			x = rs_num(sm, "samples_per_s");
			snprintf(e->metric, sizeof(e->metric), "samples/s");
			e->higher_better = 1;
		}
		if (push(e, x))
			return snprintf(err, errlen, "out of memory"), -1;
		e->noisy |= json_is_true(json_object_get(json_object_get(r, "noise"), "noisy"));
	}
	return 0;
}

int rs_add_doc(rs_set *s, json_t *doc, const char *path, char *err, size_t errlen)
{
	int conv = !strcmp(rs_str(doc, "schema"), "gdbench-results");
	if (!conv && !json_is_array(json_object_get(doc, "benchmarks"))) {
		snprintf(err, errlen, "%s: neither a gdbench run result (schema gdbench-results) nor a gdbench kernels "
		         "file (Google Benchmark JSON)", path);
		json_decref(doc);
		return -1;
	}
	if (s->doc && s->conv != conv) {
		snprintf(err, errlen, "%s: mixes run and kernels files on one side", s->path);
		json_decref(doc);
		return -1;
	}
	/* an emulator's timings are not measurements (gdbench marks such files) */
	const char *emu = rs_str(json_object_get(doc, "context"), "emulated");
	if (*emu) {
		snprintf(err, errlen, "%s: measured under emulation (%s): its timings are not measurements", path, emu);
		json_decref(doc);
		return -1;
	}
	json_t *keep = s->doc;
	s->doc = doc;
	s->conv = conv;
	if (!s->ctx)
		s->ctx = json_object_get(doc, "context");
	int rc = conv ? load_runs(s, err, errlen) : load_kernels(s, err, errlen);
	if (keep) { /* entries copied what they need; the first document keeps the context */
		json_decref(doc);
		s->doc = keep;
	}
	return rc;
}

int rs_each_file(const char *paths, rs_doc_fn fn, void *user, char *err, size_t errlen)
{
	char *list = strdup(paths), *save = NULL;
	if (!list)
		return snprintf(err, errlen, "out of memory"), -1;
	int rc = 0;
	for (char *path = strtok_r(list, ",", &save); path && !rc; path = strtok_r(NULL, ",", &save)) {
		json_t *doc = gd_json_load_lenient(path, err, errlen);
		rc = doc ? fn(user, doc, path, err, errlen) : -1;
	}
	free(list);
	return rc;
}

static int add_doc(void *s, json_t *doc, const char *path, char *err, size_t errlen)
{
	return rs_add_doc(s, doc, path, err, errlen);
}

int rs_load(rs_set *s, const char *paths, char *err, size_t errlen)
{
	memset(s, 0, sizeof(*s));
	s->path = paths;
	return rs_each_file(paths, add_doc, s, err, errlen);
}

void rs_free(rs_set *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->e[i].v);
	free(s->e);
	json_decref(s->doc);
}

