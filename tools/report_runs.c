/* gdbench-report: convergence runs, loss vs training seconds and epochs, time to target (report_sections.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_fig.h"
#include "report_sections.h"
#include "runlabel.h"
#include "stats.h"

typedef struct cfg {
	char label[200];
	char mode[48];
	json_t *runs[64];
	int n;
} cfg;

static void run_label(json_t *r, char *buf, size_t len)
{
	json_t *k = json_object_get(r, "kernels");
	const char *upd = rp_str(k, "update");
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

/* Loss of a trace at training time t: the last evaluation at or before t. */
static double loss_at(json_t *trace, const char *xkey, double t)
{
	double v = NAN;
	size_t i;
	json_t *row;
	json_array_foreach(trace, i, row) {
		if (rp_num(row, xkey) > t + 1e-12)
			break;
		v = rp_num(row, "loss");
	}
	return v;
}

/* One data block per configuration: x, median, min, max over repetitions;
 * widens [range[0], range[1]], the range of the losses written (for the axis ticks). */
static int write_series(FILE *dat, const cfg *c, const char *xkey, double range[2])
{
	json_t *t0 = json_object_get(c->runs[0], "trace");
	size_t i;
	json_t *row;
	int pts = 0;
	json_array_foreach(t0, i, row) {
		double x = rp_num(row, xkey), v[64];
		int nv = 0;
		for (int k = 0; k < c->n; k++) {
			double y = loss_at(json_object_get(c->runs[k], "trace"), xkey, x);
			if (isfinite(y) && y > 0)
				v[nv++] = y;
		}
		if (!nv || !isfinite(x))
			continue;
		double lo = v[0], hi = v[0];
		for (int k = 1; k < nv; k++)
			lo = v[k] < lo ? v[k] : lo, hi = v[k] > hi ? v[k] : hi;
		fprintf(dat, "%.9g %.9g %.9g %.9g\n", x, gd_median(v, (size_t)nv), lo, hi);
		range[0] = lo < range[0] ? lo : range[0];
		range[1] = hi > range[1] ? hi : range[1];
		pts++;
	}
	fprintf(dat, "\n\n");
	return pts;
}

static void loss_plot(rp_ctx *ctx, const char *problem, const char *mode, cfg *cs, int nc, const char *xkey,
                      const char *xlabel)
{
	rp_fig f;
	if (rp_fig_begin(ctx, &f, 900, 420))
		return;
	FILE *gp = f.gp;
	int idx[64], ni = 0;
	double range[2] = { INFINITY, 0 }; /* lo, hi */
	for (int i = 0; i < nc && ni < 64; i++)
		if (!strcmp(cs[i].mode, mode) && write_series(f.dat, &cs[i], xkey, range) > 0)
			idx[ni++] = i;
	const double series_lo = range[0], series_hi = range[1];
	char title[300];
	snprintf(title, sizeof(title), "%s, %s: training loss vs %s", problem, mode, xlabel);
	/* tight: log autoscaling would stretch to whole decades and flatten the curves */
	fputs("set logscale y\nset autoscale yfix\nset offsets 0, 0, graph 0.03, graph 0.03\nset title ", gp);
	rp_gq(gp, title);
	fprintf(gp, "\nset xlabel '%s'\nset ylabel 'training loss (mean + penalty)'\n", xlabel);
	/* under two decades a log axis labels only its powers of ten: label 1-2-3-5 steps instead */
	if (series_hi > 0 && series_lo > 0 && series_hi / series_lo < 100) {
		fputs("set ytics (", gp);
		int first = 1;
		for (double dec = pow(10, floor(log10(series_lo))); dec <= series_hi; dec *= 10)
			for (int k = 0; k < 7; k++) {
				static const double steps[7] = { 1, 1.5, 2, 3, 4, 5, 7 };
				double v = steps[k] * dec;
				if (v >= series_lo * 0.97 && v <= series_hi * 1.03) {
					fprintf(gp, "%s%g", first ? "" : ", ", v);
					first = 0;
				}
			}
		fputs(first ? "1)\n" : ")\n", gp);
	}
	fputs("plot ", gp);
	for (int k = 0; k < ni; k++) {
		const cfg *c = &cs[idx[k]];
		if (c->n > 1) { /* the repetitions' range as a band, then their median */
			fprintf(gp, "'%s' index %d using 1:3:4 with filledcurves fs transparent solid 0.15 lc %d notitle, ", f.datp,
			        k, k + 1);
		}
		fprintf(gp, "'%s' index %d using 1:2 with lines lw 2 lc %d title ", f.datp, k, k + 1);
		char t[260];
		snprintf(t, sizeof(t), "%s%s", c->label, c->n > 1 ? " (median, min-max)" : "");
		rp_gq(gp, t);
		fputs(k + 1 < ni ? ", " : "\n", gp);
	}
	if (!ni)
		fputs("1/0 notitle\n", gp);
	rp_fig_end(ctx, &f, title);
}

static void ttt_section(rp_ctx *ctx, const char *problem, cfg *cs, int nc, json_t *targets)
{
	size_t nt = json_array_size(targets);
	fprintf(ctx->html, "<h3>%s: ", nt ? "Time to target" : "Summary");
	rp_esc(ctx, problem);
	fputs("</h3>\n<table><tr><th>optimizer</th><th>mode</th><th>runs</th>", ctx->html);
	for (size_t k = 0; k < nt; k++)
		fprintf(ctx->html, "<th>loss &le; %g (s)</th>", json_number_value(json_array_get(targets, k)));
	fputs("<th>final loss</th><th>test acc.</th><th>samples/s</th><th>stop</th></tr>\n", ctx->html);
	/* bar chart data: first target, median time, per configuration */
	/* horizontal bars, one row per configuration: labels stay readable */
	rp_fig f;
	int have_fig = !rp_fig_begin(ctx, &f, 900, 120 + 22 * nc);
	int bars = 0;
	for (int i = 0; i < nc; i++) {
		cfg *c = &cs[i];
		fputs("<tr><td>", ctx->html);
		rp_esc(ctx, c->label);
		fputs("</td><td>", ctx->html);
		rp_esc(ctx, c->mode);
		fprintf(ctx->html, "</td><td>%d</td>", c->n);
		double first_med = NAN;
		for (size_t k = 0; k < nt; k++) {
			double v[64];
			int reached = 0;
			for (int q = 0; q < c->n; q++) {
				json_t *t = json_array_get(json_object_get(json_object_get(c->runs[q], "summary"), "time_to_target"), k);
				json_t *s = json_object_get(t, "train_s");
				v[q] = json_is_number(s) ? json_number_value(s) : INFINITY;
				reached += json_is_number(s);
			}
			double m = gd_median(v, (size_t)c->n);
			if (k == 0)
				first_med = m;
			if (!isfinite(m))
				fprintf(ctx->html, "<td class=nr>not reached%s</td>", reached ? " (median)" : "");
			else if (c->n > 1) {
				double lo = v[0], hi = v[0];
				for (int q = 1; q < c->n; q++)
					lo = v[q] < lo ? v[q] : lo, hi = v[q] > hi ? v[q] : hi;
				char h[32];
				if (isfinite(hi))
					snprintf(h, sizeof(h), "%.3f", hi);
				else
					snprintf(h, sizeof(h), "not reached");
				fprintf(ctx->html, "<td>%.3f [%.3f, %s]</td>", m, lo, h);
			} else
				fprintf(ctx->html, "<td>%.3f</td>", m);
		}
		json_t *last = c->runs[c->n - 1], *sm = json_object_get(last, "summary");
		json_t *tr = json_object_get(last, "trace");
		json_t *lr = json_array_get(tr, json_array_size(tr) - 1);
		double acc = rp_num(lr, "test_accuracy"), fl = rp_num(sm, "final_loss");
		int div = json_is_true(json_object_get(sm, "diverged"));
		int noisy = json_is_true(json_object_get(json_object_get(last, "noise"), "noisy"));
		if (isfinite(fl))
			fprintf(ctx->html, "<td>%.5g</td>", fl);
		else
			fputs("<td class=nr>-</td>", ctx->html);
		if (isfinite(acc))
			fprintf(ctx->html, "<td>%.2f%%</td>", 100 * acc);
		else
			fputs("<td>-</td>", ctx->html);
		fprintf(ctx->html, "<td>%.3g</td><td>%s%s%s</td></tr>\n", rp_num(sm, "samples_per_s"), rp_str(sm, "stop_reason"),
		        div ? " <b class=nr>diverged</b>" : "", noisy ? " <b class=noisy>noisy</b>" : "");
		if (have_fig) {
			fprintf(f.dat, "%d \"%s  %s\" %.9g\n", nc - 1 - bars, c->label, c->mode, isfinite(first_med) ? first_med : 0.0);
			bars++;
		}
	}
	fputs("</table>\n", ctx->html);
	if (!have_fig || !nt) { /* the chart needs a target */
		rp_fig_cancel(ctx, &f);
		return;
	}
	FILE *gp = f.gp;
	char title[300];
	snprintf(title, sizeof(title), "%.200s: training time to loss <= %g (median; 'not reached' has no bar)", problem,
	         json_number_value(json_array_get(targets, 0)));
	fputs("set title ", gp);
	rp_gq(gp, title);
	fprintf(gp, "\nset xlabel 'seconds of training'\nset style fill solid 0.6\nset key off\nset xrange [0:*]\n"
	            "set offsets 0, graph 0.12, 0, 0\n"
	            "set yrange [-0.7:%d.7]\nset ytics font ',9'\nset lmargin 44\n"
	            "plot '%s' using ($3 > 0 ? $3 / 2 : 1/0):1:($3 / 2):(0.35):yticlabels(2) with boxxyerrorbars "
	            "lc rgb '#4472c4', '' using (0):1:($3 > 0 ? '' : ' not reached') with labels left "
	            "textcolor rgb '#c00000' font ',9', '' using ($3 > 0 ? $3 : 1/0):1:(sprintf(' %%.3f s', $3)) "
	            "with labels left font ',9'\n",
	        nc - 1, f.datp);
	rp_fig_end(ctx, &f, title);
}

void rp_runs_section(rp_ctx *ctx, json_t **docs, int nd)
{
	/* problems in order of appearance; configurations by label and mode */
	char problems[32][200];
	int np = 0;
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
	for (int p = 0; p < np; p++) {
		cfg *cs = calloc(128, sizeof(cfg));
		int nc = 0;
		json_t *targets = NULL;
		char modes[16][48];
		int nm = 0;
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
				if (!targets && json_array_size(json_object_get(json_object_get(r, "budget"), "targets")))
					targets = json_object_get(json_object_get(r, "budget"), "targets");
				int c = -1;
				for (int k = 0; k < nc; k++)
					if (!strcmp(cs[k].label, label) && !strcmp(cs[k].mode, mode))
						c = k;
				if (c < 0 && nc < 128) {
					c = nc++;
					snprintf(cs[c].label, sizeof(cs[c].label), "%s", label);
					snprintf(cs[c].mode, sizeof(cs[c].mode), "%s", mode);
				}
				if (c >= 0 && cs[c].n < 64)
					cs[c].runs[cs[c].n++] = r;
				int seen = 0;
				for (int k = 0; k < nm; k++)
					seen |= !strcmp(modes[k], mode);
				if (!seen && nm < 16)
					snprintf(modes[nm++], sizeof(modes[0]), "%s", mode);
			}
		}
		fputs("<h2>", ctx->html);
		rp_esc(ctx, problems[p]);
		fputs("</h2>\n", ctx->html);
		for (int m = 0; m < nm; m++)
			loss_plot(ctx, problems[p], modes[m], cs, nc, "train_s", "training seconds");
		for (int m = 0; m < nm; m++)
			loss_plot(ctx, problems[p], modes[m], cs, nc, "epoch", "epochs");
		ttt_section(ctx, problems[p], cs, nc, targets);
		free(cs);
	}
}
