/*
 * gdbench-report: a `gdbench kernels` file (report_sections.h): update rules
 * against the memory-only ceiling and over scalar, thread scaling (bar
 * tables, sorted), gradient kernels' fraction of FMA peak per batch (plots). The rules, variants and sizes shown are the file's own, read from
 * its benchmark names, so a rule or variant gdbench gains appears with no edit.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_fig.h"
#include "report_plot.h"
#include "report_sections.h"

#define NAMELEN 32
#define MAXVAR 8
#define MAXRULE 32
#define MAXSIZE 8

/* What a kernels file holds, in the order the charts show it. */
typedef struct kfile {
	json_t *b;                     /* its "benchmarks" */
	char rules[MAXRULE][NAMELEN]; /* update rules, in order of first appearance */
	char vars[MAXVAR][NAMELEN];   /* their variants, scalar first, widest SIMD last */
	char sizes[MAXSIZE][NAMELEN]; /* size labels, in order of first appearance */
	int nr, nv, ns;
} kfile;

/* The size labels of `gdbench kernels --sizes` ("n" for a count like 4096):
 * what splits an update-rule name "<rule>/<variant>/<size>:<n>", whose variant
 * is one word ("scalar") or two ("simd/avx2"). */
static const char *const size_labels[] = { "L1", "L2", "L3", "DRAM", "n" };

/* The first size label (in the order above) whose "/<size>:" is in name, and
 * where that starts (*at); NULL when there is none. */
static const char *size_of(const char *name, const char **at)
{
	for (size_t k = 0; k < sizeof(size_labels) / sizeof(size_labels[0]); k++) {
		char pat[16];
		snprintf(pat, sizeof(pat), "/%s:", size_labels[k]);
		const char *p = strstr(name, pat);
		if (p) {
			*at = p;
			return size_labels[k];
		}
	}
	return NULL;
}

/* A Google Benchmark aggregate other than the median: repetitions' means,
 * deviations and the like, which the charts leave out. */
static int skip_row(json_t *row)
{
	return !strcmp(rp_str(row, "run_type"), "aggregate") && strcmp(rp_str(row, "aggregate_name"), "median");
}

/* s appended to list (n entries, at most max) unless already there; the new count. */
static int add_unique(char list[][NAMELEN], int n, int max, const char *s)
{
	for (int k = 0; k < n; k++)
		if (!strcmp(list[k], s))
			return n;
	if (n < max)
		snprintf(list[n++], NAMELEN, "%s", s);
	return n;
}

/* The rules, variants ("scalar", "auto/avx2", ..., or "simd/sve" on ARM) and
 * sizes of the update-rule rows (those with a roofline counter) of b. A rule is
 * the part of a name before the first '/', the variant what follows up to
 * "/<size>:". gdbench registers variants best first, so reversed first
 * appearance puts scalar first and the widest SIMD variant last. */
static void read_kfile(json_t *b, kfile *k)
{
	char seen[MAXVAR][NAMELEN];
	int nseen = 0;
	size_t i;
	json_t *row;
	k->b = b;
	k->nr = k->ns = 0;
	json_array_foreach(b, i, row) {
		const char *name = rp_str(row, "name"), *v = strchr(name, '/'), *end = NULL;
		if (!v || !json_object_get(row, "roofline"))
			continue;
		const char *sz = size_of(v, &end);
		if (!sz)
			continue;
		if (!skip_row(row))
			k->ns = add_unique(k->sizes, k->ns, MAXSIZE, sz);
		char part[NAMELEN];
		if (v - name > 0 && v - name < NAMELEN) {
			snprintf(part, sizeof(part), "%.*s", (int)(v - name), name);
			k->nr = add_unique(k->rules, k->nr, MAXRULE, part);
		}
		if (end - v - 1 > 0 && end - v - 1 < NAMELEN) {
			snprintf(part, sizeof(part), "%.*s", (int)(end - v - 1), v + 1);
			nseen = add_unique(seen, nseen, MAXVAR, part);
		}
	}
	for (int q = 0; q < nseen; q++)
		snprintf(k->vars[q], NAMELEN, "%s", seen[nseen - 1 - q]);
	k->nv = nseen;
}

/* Does name begin with "<rule>/<var>/<size>:"? */
static int is_row(const char *name, const char *rule, const char *var, const char *size)
{
	char pre[4 * NAMELEN];
	snprintf(pre, sizeof(pre), "%s/%s/%s:", rule, var, size);
	return !strncmp(name, pre, strlen(pre));
}

/* Size label s as a heading: "L1 (2048 elements)", "16777216 elements" for a plain count. */
static void size_title(const kfile *k, const char *s, char *buf, size_t len)
{
	size_t i;
	json_t *row;
	json_array_foreach(k->b, i, row) {
		const char *at = NULL, *sz = size_of(rp_str(row, "name"), &at);
		if (!sz || strcmp(sz, s))
			continue;
		long long n = atoll(strchr(at + 1, ':') + 1);
		if (!strcmp(s, "n"))
			snprintf(buf, len, "%lld elements", n);
		else
			snprintf(buf, len, "%s (%lld elements)", s, n);
		return;
	}
	snprintf(buf, len, "%s", s);
}

/* The median row (or the only one) of rule/var/size on t threads: counter key; NAN when absent. */
static double value(const kfile *k, const char *rule, const char *var, const char *size, int t, const char *key)
{
	size_t i;
	json_t *row;
	double v = NAN;
	json_array_foreach(k->b, i, row)
		if (!skip_row(row) && rp_num(row, "threads") == t && is_row(rp_str(row, "name"), rule, var, size))
			v = rp_num(row, key);
	return v;
}

/* A cell with a bar of x / max in color and its text. */
static void bar_td(rp_ctx *ctx, double x, double max, const char *color, const char *text)
{
	fprintf(ctx->html, "<td class=bar><span class=b style=\"width:%.2fem;background:%s\"></span>%s</td>",
	        isfinite(x) && max > 0 ? 6 * fmin(x / max, 1.0) : 0.0, color, text);
}

/* The variant's colour: one per variant on the page, the same in every table and plot. */
static const char *var_color(rp_ctx *ctx, const char *var)
{
	char key[64];
	snprintf(key, sizeof(key), "kernel variant %s", var);
	return rp_color(ctx, key);
}

/* Per size, 1 thread: a row per rule (closest to the ceiling first), a column
 * per variant measured at that size: its fraction of the memory-only ceiling
 * as a bar, and its speedup over scalar. Adds the best to the summary. */
static void update_tables(rp_ctx *ctx, const kfile *k)
{
	double best = -1, best_var[MAXVAR];
	char where[200] = "";
	for (int v = 0; v < MAXVAR; v++)
		best_var[v] = -1;
	for (int s = 0; s < k->ns; s++) {
		int vars[MAXVAR], nv = 0, order[MAXRULE];
		double key[MAXRULE];
		for (int v = 0; v < k->nv; v++) /* only the variants this size has: no empty columns */
			for (int r = 0; r < k->nr; r++)
				if (isfinite(value(k, k->rules[r], k->vars[v], k->sizes[s], 1, "roofline"))) {
					vars[nv++] = v;
					break;
				}
		if (!nv)
			continue;
		for (int r = 0; r < k->nr; r++) { /* sorted by the best variant's fraction, insertion sort */
			key[r] = -1;
			for (int q = 0; q < nv; q++) {
				double x = value(k, k->rules[r], k->vars[vars[q]], k->sizes[s], 1, "roofline");
				if (isfinite(x) && x > key[r])
					key[r] = x;
				if (isfinite(x) && x > best_var[vars[q]])
					best_var[vars[q]] = x;
				if (isfinite(x) && x > best) {
					char st[96];
					size_title(k, k->sizes[s], st, sizeof(st));
					best = x;
					snprintf(where, sizeof(where), "%s %s at %s, 1 thread", k->rules[r], k->vars[vars[q]], st);
				}
			}
			int j = r;
			while (j > 0 && key[order[j - 1]] < key[r])
				order[j] = order[j - 1], j--;
			order[j] = r;
		}
		char st[96];
		size_title(k, k->sizes[s], st, sizeof(st));
		fprintf(ctx->html, "<h3>Update rules at %s, 1 thread</h3>\n<table><tr><th>rule</th>", st);
		for (int q = 0; q < nv; q++)
			fprintf(ctx->html, "<th><span class=sw style=\"background:%s\"></span>%s</th>", var_color(ctx, k->vars[vars[q]]),
			        k->vars[vars[q]]);
		fputs("</tr>\n", ctx->html);
		int scalar = !strcmp(k->vars[0], "scalar");
		for (int i = 0; i < k->nr; i++) {
			int r = order[i];
			if (key[r] < 0)
				continue;
			fprintf(ctx->html, "<tr><td>%s</td>", k->rules[r]);
			double base = scalar ? value(k, k->rules[r], "scalar", k->sizes[s], 1, "items_per_second") : NAN;
			for (int q = 0; q < nv; q++) {
				const char *var = k->vars[vars[q]];
				double x = value(k, k->rules[r], var, k->sizes[s], 1, "roofline");
				double ips = value(k, k->rules[r], var, k->sizes[s], 1, "items_per_second");
				char text[96];
				if (!isfinite(x)) {
					fputs("<td>-</td>", ctx->html);
					continue;
				}
				int n = snprintf(text, sizeof(text), "%.2f of the ceiling", x);
				if (isfinite(base) && strcmp(var, "scalar"))
					snprintf(text + n, sizeof(text) - (size_t)n, ", %.1f&times; scalar", ips / base);
				bar_td(ctx, x, 1.0, var_color(ctx, var), text);
			}
			fputs("</tr>\n", ctx->html);
		}
		fputs("</table>\n", ctx->html);
	}
	fputs("<p class=note>Bars: elements/s over the memory-only ceiling timed alongside (1 = as fast as moving the "
	      "rule's bytes allows).</p>\n", ctx->html);
	if (best < 0)
		return;
	fprintf(ctx->sum, "<tr><th>Update rules: closest to the memory ceiling</th><td><b>%.2f</b> of the ceiling (%s)",
	        best, where);
	fputs("; best per variant:", ctx->sum);
	for (int v = 0; v < k->nv; v++)
		if (best_var[v] >= 0)
			fprintf(ctx->sum, " %s %.2f%s", k->vars[v], best_var[v], v + 1 < k->nv ? "," : "");
	fputs("</td></tr>\n", ctx->sum);
}

/* The widest variant's elements/s on 2 threads over 1, per rule and size. */
static void scaling_table(rp_ctx *ctx, const kfile *k)
{
	const char *best = k->vars[k->nv - 1];
	fprintf(ctx->html, "<h3>Thread scaling: %s, elements/s on 2 threads over 1</h3>\n<table><tr><th>rule</th>", best);
	for (int s = 0; s < k->ns; s++) {
		char st[96];
		size_title(k, k->sizes[s], st, sizeof(st));
		fprintf(ctx->html, "<th>%s</th>", st);
	}
	fputs("</tr>\n", ctx->html);
	for (int r = 0; r < k->nr; r++) {
		fprintf(ctx->html, "<tr><td>%s</td>", k->rules[r]);
		for (int s = 0; s < k->ns; s++) {
			double t1 = value(k, k->rules[r], best, k->sizes[s], 1, "items_per_second");
			double t2 = value(k, k->rules[r], best, k->sizes[s], 2, "items_per_second");
			char text[32];
			snprintf(text, sizeof(text), "%.2f&times;", t2 / t1);
			if (t1 > 0 && t2 > 0)
				bar_td(ctx, t2 / t1, 2.0, var_color(ctx, best), text);
			else
				fputs("<td>-</td>", ctx->html);
		}
		fputs("</tr>\n", ctx->html);
	}
	fputs("</table>\n<p class=note>Bars to scale: a full bar is 2&times;, perfect scaling.</p>\n", ctx->html);
}

/* A gradient kernel's name "<model>/<variant>/B:<n>/..." or ".../full:<n>/...":
 * model, variant and rows per call; 0 when the name is not of that form. */
static int grad_name(const char *name, char *model, char *var, size_t len, double *batch)
{
	const char *v = strchr(name, '/'), *b = strstr(name, "/B:"), *f = strstr(name, "/full:");
	const char *at = b ? b : f;
	if (!v || !at || at <= v)
		return 0;
	snprintf(model, len, "%.*s", (int)(v - name), name);
	snprintf(var, len, "%.*s", (int)(at - v - 1), v + 1);
	*batch = atof(strchr(at + 1, ':') + 1);
	return 1;
}

/* Gradient kernels (the rows with an xread counter): per model, the fraction
 * of FMA peak against rows per call, one series per variant and thread count.
 * A variant is plotted against the peak of its own ISA level (isa_peak: an avx2
 * row on an AVX-512 CPU against 256-bit FMAs), the blas and plugin rows, whose
 * width gdbench does not choose, against the CPU's (peak). The summary's best
 * is against the CPU's peak for every row: the fastest, not the fullest. */
static void grad_plots(rp_ctx *ctx, json_t *b)
{
	char models[16][NAMELEN], best_where[160] = "";
	int nm = 0;
	double best = -1;
	size_t i;
	json_t *row;
	json_array_foreach(b, i, row) {
		char model[NAMELEN], var[NAMELEN];
		double batch;
		if (json_object_get(row, "xread") && !skip_row(row) && grad_name(rp_str(row, "name"), model, var, NAMELEN, &batch))
			nm = add_unique(models, nm, 16, model);
	}
	rp_section(ctx, "grad", "Gradient kernels: fraction of FMA peak");
	for (int m = 0; m < nm; m++) {
		char vars[MAXVAR * 4][NAMELEN];
		int threads[MAXVAR * 4], nv = 0;
		json_t *series = json_array();
		for (int pass = 0; pass < 2; pass++) /* the series, then their points */
			json_array_foreach(b, i, row) {
				char model[NAMELEN], var[NAMELEN];
				double batch, peak = rp_num(row, "peak"),
				       y = json_object_get(row, "isa_peak") ? rp_num(row, "isa_peak") : peak;
				int t = (int)rp_num(row, "threads");
				if (!json_object_get(row, "xread") || skip_row(row) ||
				    !grad_name(rp_str(row, "name"), model, var, NAMELEN, &batch) || strcmp(model, models[m]) ||
				    !isfinite(peak) || !isfinite(y))
					continue;
				int s = 0;
				while (s < nv && (strcmp(vars[s], var) || threads[s] != t))
					s++;
				if (pass == 0 && s == nv && nv < MAXVAR * 4) {
					snprintf(vars[nv], NAMELEN, "%s", var);
					threads[nv++] = t;
					char label[80], key[64];
					snprintf(label, sizeof(label), "%s%s", var, t > 1 ? (t == 2 ? " T=2" : " T>2") : "");
					snprintf(key, sizeof(key), "kernel variant %s", var);
					json_t *se = rp_series(ctx, label, key, t);
					json_object_set_new(se, "x", json_pack("{s:[]}", "batch"));
					json_object_set_new(se, "y", json_pack("{s:[]}", "batch"));
					json_array_append_new(series, se);
				} else if (pass == 1 && s < nv) {
					json_t *se = json_array_get(series, (size_t)s);
					json_array_append_new(json_object_get(json_object_get(se, "x"), "batch"), json_real(batch));
					json_array_append_new(json_object_get(json_object_get(se, "y"), "batch"), json_real(y));
					if (peak > best) {
						best = peak;
						snprintf(best_where, sizeof(best_where), "%s %s, %g rows per call, %d thread%s", model, var,
						         batch, t, t > 1 ? "s" : "");
					}
				}
			}
		char title[120];
		snprintf(title, sizeof(title), "%.32s gradient: fraction of FMA peak against rows per call", models[m]);
		json_t *spec = json_pack("{s:s, s:s, s:b, s:b, s:[{s:s, s:s, s:b}], s:o}", "title", title, "ylabel",
		                         "fraction of FMA peak (the variant's ISA level)", "ylog", 0, "points", 1, "x", "key", "batch", "label",
		                         "rows per call (batch; the last is the full data set)", "log", 1, "series", series);
		rp_plot(ctx, spec, "GFLOP/s over the FMA peak of the threads used, at the variant's own vector width "
		        "(blas: the CPU's widest); hover for values.");
	}
	if (best >= 0)
		fprintf(ctx->sum, "<tr><th>Gradient kernels: closest to FMA peak</th><td><b>%.2f</b> of the CPU's FMA peak (%s)</td></tr>\n",
		        best, best_where);
}

void rp_kernels_section(rp_ctx *ctx, json_t *doc)
{
	kfile k;
	read_kfile(json_object_get(doc, "benchmarks"), &k);
	if (k.ns) {
		rp_section(ctx, "update", "Update-rule kernels: fraction of the memory ceiling");
		update_tables(ctx, &k);
	}
	int have2 = 0, haveg = 0;
	size_t i;
	json_t *row;
	json_array_foreach(k.b, i, row) {
		have2 |= rp_num(row, "threads") == 2 && json_object_get(row, "roofline");
		haveg |= json_object_get(row, "xread") != NULL;
	}
	if (have2 && k.nv)
		scaling_table(ctx, &k);
	if (haveg)
		grad_plots(ctx, k.b);
}
