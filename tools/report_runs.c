/* gdbench-report: convergence runs, loss against training seconds or epochs, per mode (report_sections.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_fig.h"
#include "report_plot.h"
#include "report_runs.h"
#include "report_sections.h"
#include "runlabel.h"
#include "stats.h"

#define MAXCFG 128
#define MAXMODE 16

static void run_label(json_t *r, char *buf, size_t len)
{
	const char *upd = rp_str(json_object_get(r, "kernels"), "update");
	int threads = (int)rp_num(r, "threads");
	char thr[24] = "";
	if (threads > 1) /* "adam T=4 [scalar]": the thread count before the tag (it was "T>2 [scalar]4") */
		snprintf(thr, sizeof(thr), " T=%d", threads);
	snprintf(buf, len, "%s%s%s", rp_str(json_object_get(r, "optimizer"), "name"), thr,
	         strstr(upd, "/scalar") ? " [scalar]" : "");
}

void rp_problem_key(json_t *r, char *buf, size_t len)
{
	json_t *pb = json_object_get(r, "problem");
	snprintf(buf, len, "%s on %s", rp_str(pb, "model"), rp_str(pb, "dataset"));
}

static int is_grid_run(json_t *r)
{
	return !strcmp(rp_str(r, "tune_role"), "grid");
}

/* Loss of a trace at x (of xkey): the last evaluation at or before x. */
static double loss_at(json_t *trace, const char *xkey, double x)
{
	double v = NAN;
	size_t i;
	json_t *row;
	json_array_foreach(trace, i, row) {
		if (rp_num(row, xkey) > x + 1e-12)
			break;
		v = rp_num(row, "loss");
	}
	return v;
}

/* Adds to series s, for x axis xkey, the median loss over the configuration's
 * repetitions at the evaluations of the first, and their range when there are
 * several: "x": {xkey: [..]}, "y"/"lo"/"hi": {xkey: [..]}. Losses that a log
 * axis cannot show (not positive, not finite) are left out. Returns the points. */
static int add_xy(json_t *s, const rp_cfg *c, const char *xkey)
{
	json_t *xs = json_array(), *ys = json_array(), *lo = json_array(), *hi = json_array();
	double last = -INFINITY;
	size_t i;
	json_t *row;
	json_array_foreach(json_object_get(c->runs[0], "trace"), i, row) {
		double x = rp_num(row, xkey), v[RP_MAXREP];
		int nv = 0;
		if (!isfinite(x) || x <= last) /* uPlot wants x increasing */
			continue;
		for (int k = 0; k < c->n; k++) {
			double y = loss_at(json_object_get(c->runs[k], "trace"), xkey, x);
			if (isfinite(y) && y > 0)
				v[nv++] = y;
		}
		if (!nv)
			continue;
		double mn = v[0], mx = v[0];
		for (int k = 1; k < nv; k++)
			mn = v[k] < mn ? v[k] : mn, mx = v[k] > mx ? v[k] : mx;
		json_array_append_new(xs, json_real(x));
		json_array_append_new(ys, json_real(gd_median(v, (size_t)nv)));
		json_array_append_new(lo, json_real(mn));
		json_array_append_new(hi, json_real(mx));
		last = x;
	}
	int pts = (int)json_array_size(xs);
	const char *keys[4] = { "x", "y", "lo", "hi" };
	json_t *vals[4] = { xs, ys, lo, hi };
	for (int k = 0; k < 4; k++) {
		if (k >= 2 && c->n < 2) { /* a single run has no range */
			json_decref(vals[k]);
			continue;
		}
		json_t *o = json_object_get(s, keys[k]);
		if (!o)
			json_object_set_new(s, keys[k], o = json_object());
		json_object_set_new(o, xkey, vals[k]);
	}
	return pts;
}

/* Is configuration c in the panel: the SIMD panel holds the runs on SIMD (or
 * library) update kernels, the scalar panel the scalar runs and the SIMD runs
 * of the same optimizer and threads they compare with. */
static int in_panel(const rp_cfg *cs, int nc, int i, int scalar_panel)
{
	if (!scalar_panel)
		return !cs[i].scalar;
	if (cs[i].scalar)
		return 1;
	for (int k = 0; k < nc; k++)
		if (cs[k].scalar && !strcmp(cs[k].mode, cs[i].mode) && !strcmp(cs[k].opt, cs[i].opt) &&
		    cs[k].threads == cs[i].threads)
			return 1;
	return 0;
}

/* One panel of one mode: loss against training seconds, switchable to epochs. */
static void loss_plot(rp_ctx *ctx, const char *problem, const char *mode, rp_cfg *cs, int nc, json_t *targets,
                      int scalar_panel)
{
	json_t *series = json_array();
	for (int i = 0; i < nc; i++) {
		if (strcmp(cs[i].mode, mode) || !in_panel(cs, nc, i, scalar_panel))
			continue;
		char label[260];
		snprintf(label, sizeof(label), "%s%s", cs[i].label, cs[i].n > 1 ? " (median, min-max)" : "");
		json_t *s = rp_series(ctx, label, cs[i].opt, cs[i].threads);
		if (cs[i].scalar) { /* the same colour, thinner and lighter */
			char col[16];
			snprintf(col, sizeof(col), "%s99", rp_str(s, "color"));
			json_object_set_new(s, "color", json_string(col));
			json_object_set_new(s, "width", json_real(1.2));
		}
		if (add_xy(s, &cs[i], "train_s") > 0 && add_xy(s, &cs[i], "epoch") > 0)
			json_array_append_new(series, s);
		else
			json_decref(s); /* no empty series */
	}
	if (!json_array_size(series)) {
		json_decref(series);
		return;
	}
	json_t *hl = json_array();
	size_t k;
	json_t *t;
	json_array_foreach(targets, k, t) {
		char lab[48];
		snprintf(lab, sizeof(lab), "target %g", json_number_value(t));
		json_array_append_new(hl, json_pack("{s:f, s:s}", "y", json_number_value(t), "label", lab));
	}
	char title[300];
	snprintf(title, sizeof(title), "%.200s, %s%s: training loss", problem, mode,
	         scalar_panel ? ", scalar against SIMD kernels" : "");
	json_t *spec = json_pack("{s:s, s:s, s:b, s:[{s:s, s:s}, {s:s, s:s}], s:o, s:o}", "title", title, "ylabel",
	                         "training loss (mean + penalty)", "ylog", 1, "x", "key", "train_s", "label",
	                         "training seconds", "key", "epoch", "label", "epochs", "series", series, "hlines", hl);
	rp_plot(ctx, spec, scalar_panel ? "The runs on scalar update kernels, each with the SIMD run it compares with."
	                                : "Drag to zoom into a time range (double-click: all), click a legend entry "
	                                  "to hide it; dashed: more threads; horizontal lines: the targets.");
}

/* A run, named in one of the summary's lists (diverged or noisy). */
static void name_run(FILE *list, int *n, json_t *r, const char *label, const char *mode, const char *problem)
{
	fputs((*n)++ ? ", " : "", list);
	fputs("<b>", list);
	rp_esc_to(list, label);
	fprintf(list, "</b> (%s, ", mode);
	rp_esc_to(list, problem);
	fprintf(list, ", seed %lld)", (long long)json_integer_value(json_object_get(r, "seed")));
}

void rp_runs_section(rp_ctx *ctx, json_t **docs, int nd)
{
	/* problems in order of appearance; configurations by label and mode */
	char problems[32][200];
	int np = 0, ngrid = 0;
	for (int d = 0; d < nd; d++) {
		size_t i;
		json_t *r;
		json_array_foreach(json_object_get(docs[d], "runs"), i, r) {
			char key[200];
			rp_problem_key(r, key, sizeof(key));
			int found = 0;
			for (int p = 0; p < np; p++)
				found |= !strcmp(problems[p], key);
			if (!found && np < 32)
				snprintf(problems[np++], sizeof(problems[0]), "%s", key);
		}
	}
	rp_cfg *cs = calloc(MAXCFG, sizeof(rp_cfg));
	if (!cs)
		return;
	for (int p = 0; p < np; p++) {
		int nc = 0, nm = 0;
		json_t *targets = NULL;
		char modes[MAXMODE][48];
		memset(cs, 0, MAXCFG * sizeof(rp_cfg));
		for (int d = 0; d < nd; d++) {
			size_t i;
			json_t *r;
			json_array_foreach(json_object_get(docs[d], "runs"), i, r) {
				char key[200], label[200], mode[48];
				rp_problem_key(r, key, sizeof(key));
				if (strcmp(key, problems[p]))
					continue;
				run_label(r, label, sizeof(label));
				gd_run_mode_label(r, mode, sizeof(mode));
				ctx->nruns++;
				if (json_is_true(json_object_get(json_object_get(r, "summary"), "diverged")))
					name_run(ctx->diverged, &ctx->ndiverged, r, label, mode, problems[p]);
				if (json_is_true(json_object_get(json_object_get(r, "noise"), "noisy")))
					name_run(ctx->noisy, &ctx->nnoisy, r, label, mode, problems[p]);
				if (is_grid_run(r)) { /* tune's grid: the tuning section shows it */
					ngrid++;
					continue;
				}
				if (!targets && json_array_size(json_object_get(json_object_get(r, "budget"), "targets")))
					targets = json_object_get(json_object_get(r, "budget"), "targets");
				int c = -1;
				for (int k = 0; k < nc; k++)
					if (!strcmp(cs[k].label, label) && !strcmp(cs[k].mode, mode))
						c = k;
				if (c < 0 && nc < MAXCFG) {
					c = nc++;
					snprintf(cs[c].label, sizeof(cs[c].label), "%s", label);
					snprintf(cs[c].mode, sizeof(cs[c].mode), "%s", mode);
					snprintf(cs[c].opt, sizeof(cs[c].opt), "%s", rp_str(json_object_get(r, "optimizer"), "name"));
					snprintf(cs[c].rule, sizeof(cs[c].rule), "%s", rp_str(json_object_get(r, "optimizer"), "rule"));
					cs[c].threads = (int)rp_num(r, "threads");
					cs[c].scalar = strstr(rp_str(json_object_get(r, "kernels"), "update"), "/scalar") != NULL;
				}
				if (c >= 0 && cs[c].n < RP_MAXREP)
					cs[c].runs[cs[c].n++] = r;
				int seen = 0;
				for (int k = 0; k < nm; k++)
					seen |= !strcmp(modes[k], mode);
				if (!seen && nm < MAXMODE)
					snprintf(modes[nm++], sizeof(modes[0]), "%s", mode);
			}
		}
		if (!nc)
			continue;
		char id[48], title[240];
		snprintf(id, sizeof(id), "runs-%d", p + 1);
		snprintf(title, sizeof(title), "Convergence: %.200s", problems[p]);
		rp_section(ctx, id, title);
		for (int m = 0; m < nm; m++) {
			loss_plot(ctx, problems[p], modes[m], cs, nc, targets, 0);
			loss_plot(ctx, problems[p], modes[m], cs, nc, targets, 1);
		}
		rp_ttt_section(ctx, problems[p], cs, nc, targets);
	}
	if (ngrid)
		fprintf(ctx->html, "<p>%d grid run%s of <code>gdbench tune</code> %s left out of these plots and tables: "
		                   "the tuning section shows the grid, the plots its winners' reruns.</p>\n",
		        ngrid, ngrid == 1 ? "" : "s", ngrid == 1 ? "is" : "are");
	free(cs);
}
