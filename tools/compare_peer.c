/*
 * gdbench-compare's peer mode (compare_peer.h). Entries pair by what they
 * compute, not by the whole benchmark name: rule, element count (gdbench's
 * "L1:2048" and the peer's "n:2048" are one row) or parameter set, threads
 * and dtype. Values are Gelem/s, the median over an entry's repetitions;
 * gdbench's figure is its best variant's.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compare_peer.h"
#include "jsonfile.h"
#include "resultset.h"
#include "stats.h"

#define MAXCOL 6
#define F32 "f32/f32/f32"

/* One benchmark's repetitions: a gdbench variant or a peer implementation of one row. */
typedef struct series {
	char rule[32], size[64], label[64], dtype[32], who[64];
	long long threads;
	int peer;
	double *v;
	size_t n, cap;
	char why[512]; /* a peer's "cannot express" message; empty when it ran */
} series;

typedef struct prow {
	char rule[32], size[64], label[64], dtype[32];
	long long threads;
	char variant[64];
	double gd; /* gdbench's best variant, Gelem/s; 0 when gdbench has no entry */
	double pv[MAXCOL];
	const char *why[MAXCOL];
	int has[MAXCOL];
} prow;

typedef struct pset {
	series *s;
	size_t ns, caps;
	int gd_docs, peer_docs;
	char gd_paths[512], peer_paths[512];
	json_t *gd_ctx, *peer_ctx; /* the first of each kind's contexts (owned) */
} pset;

int peer_doc(json_t *doc)
{
	size_t i;
	json_t *row;
	json_array_foreach(json_object_get(doc, "benchmarks"), i, row)
		if (json_object_get(row, "peer"))
			return 1;
	return 0;
}

/* "bf16_bf16_f32_sr" (a name's dtype part) -> "bf16/bf16/f32+sr" */
static void dtype_from_token(const char *t, char *out, size_t len)
{
	char buf[32];
	snprintf(buf, sizeof(buf), "%s", t);
	int k = 0;
	out[0] = 0;
	for (char *sv, *w = strtok_r(buf, "_", &sv); w; w = strtok_r(NULL, "_", &sv), k++)
		snprintf(out + strlen(out), len - strlen(out), "%s%s", k == 0 ? "" : k < 3 ? "/" : "+", w);
}

/*
 * Split an update benchmark's name, RULE/VARIANT.../SIZE[/dtype:D][/...]: the
 * variant is every part before the first with a ':' (SIZE: "n:4096",
 * "L1:2048", "params:bert-base"); Google Benchmark's suffixes (min_time:,
 * manual_time, threads:) are ignored. size is the pairing key: "#COUNT" for a
 * count under any level, else the part itself. 0, or -1 for another shape.
 */
static int split_name(const char *name, series *s)
{
	char buf[512];
	snprintf(buf, sizeof(buf), "%s", name);
	char *sv, *w = strtok_r(buf, "/", &sv);
	if (!w)
		return -1;
	snprintf(s->rule, sizeof(s->rule), "%s", w);
	s->who[0] = s->size[0] = 0;
	while ((w = strtok_r(NULL, "/", &sv)) && !strchr(w, ':'))
		snprintf(s->who + strlen(s->who), sizeof(s->who) - strlen(s->who), "%s%s", *s->who ? "/" : "", w);
	if (!w || !*s->who)
		return -1;
	snprintf(s->label, sizeof(s->label), "%s", w);
	const char *val = strchr(w, ':') + 1;
	int count = *val != 0;
	for (const char *c = val; *c; c++)
		count &= isdigit((unsigned char)*c) != 0;
	snprintf(s->size, sizeof(s->size), count ? "#%s" : "%s", count ? val : w);
	while ((w = strtok_r(NULL, "/", &sv)))
		if (!strncmp(w, "dtype:", 6))
			dtype_from_token(w + 6, s->dtype, sizeof(s->dtype));
	return 0;
}

static int same_row(const series *a, const char *rule, const char *size, long long thr, const char *dtype)
{
	return !strcmp(a->rule, rule) && !strcmp(a->size, size) && a->threads == thr && !strcmp(a->dtype, dtype);
}

/* The series of s's row and who, appended when new; NULL when out of memory. */
static series *series_of(pset *p, const series *key)
{
	for (size_t i = 0; i < p->ns; i++)
		if (same_row(&p->s[i], key->rule, key->size, key->threads, key->dtype) && p->s[i].peer == key->peer &&
		    !strcmp(p->s[i].who, key->who))
			return &p->s[i];
	if (p->ns == p->caps) {
		size_t cap = p->caps ? 2 * p->caps : 64;
		series *ns = realloc(p->s, cap * sizeof(*ns));
		if (!ns)
			return NULL;
		p->s = ns;
		p->caps = cap;
	}
	series *s = &p->s[p->ns++];
	*s = *key;
	s->v = NULL;
	s->n = s->cap = 0;
	return s;
}

static int push(series *s, double x)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 8;
		double *nv = realloc(s->v, cap * sizeof(double));
		if (!nv)
			return -1;
		s->v = nv;
		s->cap = cap;
	}
	s->v[s->n++] = x;
	return 0;
}

/* The update-rule rows of one document: gdbench's (with a roofline counter) and a peer's. */
static int load_doc(pset *p, json_t *doc, const char *path, char *err, size_t errlen)
{
	int is_peer = peer_doc(doc), any = 0;
	char *paths = is_peer ? p->peer_paths : p->gd_paths;
	snprintf(paths + strlen(paths), 512 - strlen(paths), "%s%s", *paths ? "," : "", path);
	json_t **ctx = is_peer ? &p->peer_ctx : &p->gd_ctx;
	if (!*ctx)
		*ctx = json_incref(json_object_get(doc, "context"));
	size_t i;
	json_t *row;
	json_array_foreach(json_object_get(doc, "benchmarks"), i, row) {
		if (!strcmp(rs_str(row, "run_type"), "aggregate"))
			continue;
		int peer = json_object_get(row, "peer") != NULL, failed = json_is_true(json_object_get(row, "error_occurred"));
		if ((!peer && (failed || !isfinite(rs_num(row, "roofline")))) || (peer && !is_peer))
			continue; /* gradient kernels, failed gdbench rows; a peer row in a gdbench file is odd but left */
		series key = { .peer = peer, .threads = json_integer_value(json_object_get(row, "threads")) };
		const char *name = *rs_str(row, "run_name") ? rs_str(row, "run_name") : rs_str(row, "name");
		if (split_name(name, &key))
			continue;
		if (*rs_str(row, "dtype"))
			snprintf(key.dtype, sizeof(key.dtype), "%s", rs_str(row, "dtype"));
		else if (!*key.dtype)
			snprintf(key.dtype, sizeof(key.dtype), F32);
		if (key.threads < 1)
			key.threads = 1;
		double x = peer ? rs_num(row, "Gelem/s") : NAN;
		if (!isfinite(x))
			x = rs_num(row, "items_per_second") * 1e-9;
		if (peer && failed)
			snprintf(key.why, sizeof(key.why), "%s",
			         *rs_str(row, "error_message") ? rs_str(row, "error_message") : "unsupported");
		else if (!(x > 0)) {
			snprintf(err, errlen, "%s: benchmark '%s' has no Gelem/s or items_per_second above 0", path, name);
			return -1;
		}
		series *s = series_of(p, &key);
		if (!s || (!(peer && failed) && push(s, x)))
			return snprintf(err, errlen, "out of memory"), -1;
		any = 1;
	}
	if (is_peer)
		p->peer_docs++;
	else if (any)
		p->gd_docs++;
	return 0;
}

/* rs_each_file's callback: one document of either side, released here. */
static int load_file(void *p, json_t *doc, const char *path, char *err, size_t errlen)
{
	int rc = load_doc(p, doc, path, err, errlen);
	json_decref(doc);
	return rc;
}

static void pset_free(pset *p)
{
	for (size_t i = 0; i < p->ns; i++)
		free(p->s[i].v);
	free(p->s);
	json_decref(p->gd_ctx);
	json_decref(p->peer_ctx);
}

/* Rows: gdbench's first, in their order, then those only the peer has. */
static size_t build_rows(const pset *p, prow *rows, char cols[MAXCOL][64], int *ncol)
{
	size_t nr = 0;
	*ncol = 0;
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < p->ns; i++) {
			const series *s = &p->s[i];
			if (s->peer != pass)
				continue;
			prow *r = NULL;
			for (size_t k = 0; k < nr && !r; k++)
				if (!strcmp(rows[k].rule, s->rule) && !strcmp(rows[k].size, s->size) &&
				    rows[k].threads == s->threads && !strcmp(rows[k].dtype, s->dtype))
					r = &rows[k];
			if (!r) {
				r = &rows[nr++];
				memset(r, 0, sizeof(*r));
				snprintf(r->rule, sizeof(r->rule), "%s", s->rule);
				snprintf(r->size, sizeof(r->size), "%s", s->size);
				snprintf(r->label, sizeof(r->label), "%s", s->label);
				snprintf(r->dtype, sizeof(r->dtype), "%s", s->dtype);
				r->threads = s->threads;
			}
			double med = s->n ? gd_median(s->v, s->n) : 0;
			if (!s->peer) {
				if (med > r->gd) {
					r->gd = med;
					snprintf(r->variant, sizeof(r->variant), "%s", s->who);
				}
				continue;
			}
			int c = 0;
			while (c < *ncol && strcmp(cols[c], s->who))
				c++;
			if (c == *ncol) {
				if (*ncol == MAXCOL)
					continue;
				snprintf(cols[(*ncol)++], 64, "%s", s->who);
			}
			r->has[c] = 1;
			r->pv[c] = med;
			r->why[c] = *s->why ? s->why : NULL;
		}
	}
	return nr;
}

static int row_has_peer(const prow *r, int ncol)
{
	for (int c = 0; c < ncol; c++)
		if (r->has[c])
			return 1;
	return 0;
}

/* The one message when every peer cell of the row is unsupported for the same reason, else NULL. */
static const char *common_why(const prow *r, int ncol)
{
	const char *w = NULL;
	for (int c = 0; c < ncol; c++) {
		if (!r->has[c])
			continue;
		if (!r->why[c] || (w && strcmp(w, r->why[c])))
			return NULL;
		w = r->why[c];
	}
	return w;
}

static void row_key(const prow *r, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s/threads:%lld/%s", r->rule, r->label, r->threads, r->dtype);
}

static json_t *row_json(const prow *r, char cols[MAXCOL][64], int ncol)
{
	json_t *peers = json_object();
	for (int c = 0; c < ncol; c++) {
		if (!r->has[c])
			continue;
		if (r->why[c])
			json_object_set_new(peers, cols[c], json_pack("{s:s}", "unsupported", r->why[c]));
		else
			json_object_set_new(peers, cols[c], json_pack("{s:f, s:o}", "gelem_s", r->pv[c], "ratio",
			                                                r->gd > 0 ? json_real(r->gd / r->pv[c]) : json_null()));
	}
	json_t *gd = r->gd > 0 ? json_pack("{s:s, s:f}", "variant", r->variant, "gelem_s", r->gd) : json_null();
	return json_pack("{s:s, s:s, s:I, s:s, s:o, s:o}", "rule", r->rule, "size", r->label, "threads",
	                 (json_int_t)r->threads, "dtype", r->dtype, "gdbench", gd, "peers", peers);
}

int peer_compare(const char *side_a, const char *side_b, const regex_t *filter, const char *json_out)
{
	char err[1024];
	pset p = { 0 };
	prow *rows = NULL;
	int rc = 2;
	if (rs_each_file(side_a, load_file, &p, err, sizeof(err)) || rs_each_file(side_b, load_file, &p, err, sizeof(err))) {
		fprintf(stderr, "gdbench-compare: %s\n", err);
		goto out;
	}
	if (!p.gd_docs || !p.peer_docs) {
		fprintf(stderr, "gdbench-compare: %s vs %s: a peer comparison needs a gdbench kernels file with update-rule "
		        "entries (gdbench kernels --what update --out) and a peer file (tools/peer-torch.py --out)\n",
		        side_a, side_b);
		goto out;
	}
	/* a peer on another machine says nothing about gdbench's figures */
	static const char *const keys[] = { "host_name", "num_cpus" };
	for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
		json_t *x = json_object_get(p.gd_ctx, keys[k]), *y = json_object_get(p.peer_ctx, keys[k]);
		if (x && y && !json_equal(x, y)) {
			char *sx = json_dumps(x, JSON_ENCODE_ANY), *sy = json_dumps(y, JSON_ENCODE_ANY);
			fprintf(stderr, "warning: %s differs: %s vs %s (not the same machine)\n", keys[k], sx ? sx : "?",
			        sy ? sy : "?");
			free(sx);
			free(sy);
		}
	}
	rows = calloc(p.ns + 1, sizeof(*rows));
	if (!rows) {
		fprintf(stderr, "gdbench-compare: out of memory\n");
		goto out;
	}
	char cols[MAXCOL][64];
	int ncol;
	size_t nr = build_rows(&p, rows, cols, &ncol), hidden = 0;
	const char *lib = rs_str(p.peer_ctx, "library");
	printf("%s vs %s (%s): Gelem/s, median over repetitions; ratio = gdbench's best variant / peer\n", p.gd_paths,
	       p.peer_paths, *lib ? lib : "peer");
	printf("%-9s %-18s %3s %-14s %8s %-12s", "rule", "size", "thr", "dtype", "gdbench", "best");
	for (int c = 0; c < ncol; c++)
		printf(" %14s %7s", cols[c], "ratio");
	putchar('\n');
	json_t *arr = json_array();
	for (size_t i = 0; i < nr; i++) {
		const prow *r = &rows[i];
		char key[256];
		row_key(r, key, sizeof(key));
		if (filter && regexec(filter, key, 0, NULL, 0))
			continue;
		if (!row_has_peer(r, ncol)) {
			hidden++;
			continue;
		}
		json_array_append_new(arr, row_json(r, cols, ncol));
		printf("%-9s %-18s %3lld %-14s", r->rule, r->label, r->threads, r->dtype);
		if (r->gd > 0)
			printf(" %8.3f %-12s", r->gd, r->variant);
		else
			printf(" %8s %-12s", "-", "");
		const char *all = common_why(r, ncol);
		if (all) {
			printf(" %s\n", all);
			continue;
		}
		for (int c = 0; c < ncol; c++) {
			if (!r->has[c])
				printf(" %14s %7s", "-", "");
			else if (r->why[c])
				printf(" %14s %7s", "unsupported", "");
			else if (r->gd > 0)
				printf(" %14.3f %6.2fx", r->pv[c], r->gd / r->pv[c]);
			else
				printf(" %14.3f %7s", r->pv[c], "-");
		}
		putchar('\n');
		for (int c = 0; c < ncol; c++)
			if (r->has[c] && r->why[c])
				printf("    %s: %s\n", cols[c], r->why[c]);
	}
	if (hidden)
		printf("(%zu gdbench row%s without a peer entry not shown)\n", hidden, hidden == 1 ? "" : "s");
	rc = 0;
	if (json_out) {
		json_t *v = json_pack("{s:s, s:s, s:s, s:s, s:o}", "kind", "peer", "gdbench", p.gd_paths, "peer",
		                      p.peer_paths, "peer_library", lib, "rows", arr);
		int we = v ? gd_json_write_atomic(json_out, v, JSON_INDENT(1)) : -ENOMEM;
		if (we) {
			fprintf(stderr, "gdbench-compare: cannot write '%s': %s (any previous file is intact)\n", json_out,
			        strerror(-we));
			rc = 2;
		}
		json_decref(v);
	} else {
		json_decref(arr);
	}
out:
	free(rows);
	pset_free(&p);
	return rc;
}
