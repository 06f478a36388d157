/*
 * gdbench-report: a `gdbench kernels` file (report_sections.h): update rules
 * against the memory-only ceiling and over scalar, thread scaling, gradient
 * kernels. The rules, variants and sizes shown are the file's own, read from
 * its benchmark names, so a rule or variant gdbench gains appears with no edit.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "report_fig.h"
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

/* Per size, 1 thread: each rule x variant's fraction of the ceiling, then
 * (with more than one variant) its speedup over the first, scalar. -1 when a
 * figure could not be started. */
static int update_charts(rp_ctx *ctx, const kfile *k)
{
	for (int s = 0; s < k->ns; s++) {
		for (int which = 0; which < 2; which++) { /* roofline fraction, then speedup over scalar */
			if (which == 1 && k->nv < 2)
				break; /* scalar alone: no speedup to show */
			rp_fig f;
			if (rp_fig_begin(ctx, &f, 900, 380))
				return -1;
			FILE *gp = f.gp;
			int any = 0;
			for (int r = 0; r < k->nr; r++) {
				double val[MAXVAR], ips[MAXVAR];
				for (int v = 0; v < MAXVAR; v++)
					val[v] = ips[v] = NAN;
				size_t i;
				json_t *row;
				json_array_foreach(k->b, i, row) {
					const char *name = rp_str(row, "name");
					if (skip_row(row) || rp_num(row, "threads") != 1)
						continue;
					for (int v = 0; v < k->nv; v++)
						if (is_row(name, k->rules[r], k->vars[v], k->sizes[s])) {
							val[v] = rp_num(row, "roofline");
							ips[v] = rp_num(row, "items_per_second");
						}
				}
				fprintf(f.dat, "%s", k->rules[r]);
				for (int v = 0; v < k->nv; v++) {
					double x = which == 0 ? val[v] : ips[v] / ips[0];
					fprintf(f.dat, " %.6g", isfinite(x) ? x : 0.0);
					any |= isfinite(x) && v > 0;
				}
				fputc('\n', f.dat);
			}
			char title[200];
			if (which == 0)
				snprintf(title, sizeof(title), "Update rules at size %s, 1 thread: throughput / memory-only ceiling "
				         "timed alongside", k->sizes[s]);
			else
				snprintf(title, sizeof(title), "Update rules at size %s, 1 thread: speedup over the scalar variant",
				         k->sizes[s]);
			fputs("set title ", gp);
			rp_gq(gp, title);
			fprintf(gp, "\nset style data histograms\nset style histogram clustered gap 1\nset style fill solid 0.8\n"
			            "set ylabel '%s'\nset xtics rotate by -30\nset yrange [0:*]\n",
			        which == 0 ? "fraction of the ceiling" : "x scalar");
			if (!any)
				fputs("set label 1 'no data' at graph 0.5,0.5 center\n", gp);
			fprintf(gp, "plot ");
			for (int v = which; v < k->nv; v++)
				fprintf(gp, "'%s' using %d:xtic(1) title '%s'%s", f.datp, v + 2, k->vars[v], v < k->nv - 1 ? ", " : "\n");
			rp_fig_end(ctx, &f, title);
		}
	}
	return 0;
}

/* The last (widest) variant's elements/s on 2 threads over 1, per rule and size. */
static void scaling_chart(rp_ctx *ctx, const kfile *k)
{
	const char *best = k->vars[k->nv - 1];
	rp_fig f;
	if (rp_fig_begin(ctx, &f, 900, 360))
		return;
	FILE *gp = f.gp;
	for (int r = 0; r < k->nr; r++) {
		fprintf(f.dat, "%s", k->rules[r]);
		for (int s = 0; s < k->ns; s++) {
			double t1 = 0, t2 = 0;
			size_t i;
			json_t *row;
			json_array_foreach(k->b, i, row) {
				if (skip_row(row) || !is_row(rp_str(row, "name"), k->rules[r], best, k->sizes[s]))
					continue;
				if (rp_num(row, "threads") == 1)
					t1 = rp_num(row, "items_per_second");
				if (rp_num(row, "threads") == 2)
					t2 = rp_num(row, "items_per_second");
			}
			fprintf(f.dat, " %.4g", t1 > 0 && t2 > 0 ? t2 / t1 : 0.0);
		}
		fputc('\n', f.dat);
	}
	char title[160];
	snprintf(title, sizeof(title), "Thread scaling: %s elements/s on 2 threads over 1 (per size)", best);
	fputs("set title ", gp);
	rp_gq(gp, title);
	fputs("\nset style data histograms\nset style histogram clustered gap 1\nset style fill solid 0.8\n"
	      "set ylabel 'speedup'\nset xtics rotate by -30\nset yrange [0:*]\n", gp);
	fputs("plot ", gp);
	for (int s = 0; s < k->ns; s++)
		fprintf(gp, "'%s' using %d:xtic(1) title '%s'%s", f.datp, s + 2, k->sizes[s], s + 1 < k->ns ? ", " : "\n");
	rp_fig_end(ctx, &f, title);
}

/* Gradient kernels (the rows with an xread counter): a table by kernel and batch. */
static void grad_table(rp_ctx *ctx, json_t *b)
{
	fputs("<h2>Gradient kernels</h2>\n<table><tr><th>kernel / batch</th><th>rows/s</th><th>GFLOP/s</th>"
	      "<th>fraction of FMA peak</th><th>xread</th></tr>\n", ctx->html);
	size_t i;
	json_t *row;
	json_array_foreach(b, i, row) {
		if (!json_object_get(row, "xread") || skip_row(row))
			continue;
		fputs("<tr><td>", ctx->html);
		rp_esc(ctx, rp_str(row, "name"));
		fprintf(ctx->html, "</td><td>%.4g</td><td>%.1f</td><td>%.2f</td><td>%.2f</td></tr>\n",
		        rp_num(row, "items_per_second"), rp_num(row, "GFLOPs"), rp_num(row, "peak"), rp_num(row, "xread"));
	}
	fputs("</table>\n", ctx->html);
}

void rp_kernels_section(rp_ctx *ctx, json_t *doc)
{
	kfile k;
	read_kfile(json_object_get(doc, "benchmarks"), &k);
	if (k.ns)
		fputs("<h2>Update-rule kernels</h2>\n", ctx->html);
	if (update_charts(ctx, &k))
		return;
	int have2 = 0, haveg = 0;
	size_t i;
	json_t *row;
	json_array_foreach(k.b, i, row) {
		have2 |= rp_num(row, "threads") == 2 && json_object_get(row, "roofline");
		haveg |= json_object_get(row, "xread") != NULL;
	}
	if (have2 && k.nv)
		scaling_chart(ctx, &k);
	if (haveg)
		grad_table(ctx, k.b);
}
