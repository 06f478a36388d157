/*
 * gdbench-report: a self-contained HTML report from result files. Reads JSON
 * only (run results, kernel microbenchmarks, optimizer paths); plots are
 * drawn by gnuplot into SVG and inlined, so DIR/index.html reads offline.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "jsonread.h"
#include "runlabel.h"
#include "stats.h"

#define VERSION "0.1.0"

static char tmpdir[256];
static int nfig;
static FILE *html;
static int gnuplot_failed;

static const char *str(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);
	return json_is_string(v) ? json_string_value(v) : "";
}

static double num(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);
	return json_is_number(v) ? json_number_value(v) : NAN;
}

static void esc(const char *s)
{
	for (; *s; s++) {
		if (*s == '<')
			fputs("&lt;", html);
		else if (*s == '>')
			fputs("&gt;", html);
		else if (*s == '&')
			fputs("&amp;", html);
		else
			fputc(*s, html);
	}
}

/* gnuplot string literal: single quotes, doubled inside */
static void gq(FILE *f, const char *s)
{
	fputc('\'', f);
	for (; *s; s++) {
		if (*s == '\'')
			fputc('\'', f);
		fputc(*s, f);
	}
	fputc('\'', f);
}

/* Start a figure: returns the gnuplot script to write into, and opens its
 * data file (*dat, path in datp); NULL with nothing left open on failure. */
static FILE *fig_begin(int w, int h, char *svg, size_t len, char *datp, size_t dlen, FILE **dat)
{
	char path[512];
	snprintf(svg, len, "%s/fig%d.svg", tmpdir, nfig);
	snprintf(datp, dlen, "%s/fig%d.dat", tmpdir, nfig);
	snprintf(path, sizeof(path), "%s/fig%d.gp", tmpdir, nfig++);
	FILE *gp = fopen(path, "w");
	*dat = fopen(datp, "w");
	if (!gp || !*dat) {
		if (gp)
			fclose(gp);
		if (*dat)
			fclose(*dat);
		*dat = NULL;
		return NULL;
	}
	fprintf(gp, "set terminal svg size %d,%d dynamic enhanced font 'sans,11' background '#ffffff'\n", w, h);
	fprintf(gp, "set output '%s'\nset grid lc rgb '#dddddd'\nset key outside right top\n", svg);
	return gp;
}

/* Run the script, inline the SVG with a caption. */
static void fig_end(FILE *gp, const char *svg, const char *caption)
{
	char script[512], cmd[1200];
	fclose(gp);
	snprintf(script, sizeof(script), "%.*sgp", (int)strlen(svg) - 3, svg);
	snprintf(cmd, sizeof(cmd), "gnuplot '%s' 2>'%s.err'", script, script);
	if (system(cmd) != 0) {
		gnuplot_failed++;
		fprintf(html, "<p class=err>figure failed: gnuplot reported an error (%s)</p>\n", caption);
		return;
	}
	FILE *f = fopen(svg, "r");
	if (!f) {
		gnuplot_failed++;
		return;
	}
	fputs("<figure>", html);
	char buf[8192];
	size_t n;
	int skip_decl = 1;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0) {
		char *p = buf;
		if (skip_decl) { /* drop the XML declaration and doctype: inline SVG needs neither */
			char *svgtag = strstr(buf, "<svg");
			if (svgtag) {
				n -= (size_t)(svgtag - buf);
				p = svgtag;
			}
			skip_decl = 0;
		}
		fwrite(p, 1, n, html);
	}
	fclose(f);
	fputs("<figcaption>", html);
	esc(caption);
	fputs("</figcaption></figure>\n", html);
}

/* ---------------- convergence runs ---------------- */

typedef struct cfg {
	char label[200];
	char mode[48];
	json_t *runs[64];
	int n;
} cfg;

static void run_label(json_t *r, char *buf, size_t len)
{
	json_t *k = json_object_get(r, "kernels");
	const char *upd = str(k, "update");
	int threads = (int)num(r, "threads");
	snprintf(buf, len, "%s%s%s%s", str(json_object_get(r, "optimizer"), "name"),
	         threads > 1 ? threads == 2 ? " T=2" : " T>2" : "", strstr(upd, "/scalar") ? " [scalar]" : "",
	         "");
	if (threads > 2)
		snprintf(buf + strlen(buf), len - strlen(buf), "%d", threads);
}

/* The mode as --mode spells it (harness/runlabel.c) */
static void mode_label(json_t *r, char *buf, size_t len)
{
	gd_run_mode_label(r, buf, len);
}

static void problem_key(json_t *r, char *buf, size_t len)
{
	json_t *pb = json_object_get(r, "problem");
	snprintf(buf, len, "%s on %s", str(pb, "model"), str(pb, "dataset"));
}

/* Loss of a trace at training time t: the last evaluation at or before t. */
static double loss_at(json_t *trace, const char *xkey, double t)
{
	double v = NAN;
	size_t i;
	json_t *row;
	json_array_foreach(trace, i, row) {
		if (num(row, xkey) > t + 1e-12)
			break;
		v = num(row, "loss");
	}
	return v;
}

/* Range of the losses written (for the axis ticks) */
static double series_lo, series_hi;

/* One data block per configuration: x, median, min, max over repetitions. */
static int write_series(FILE *dat, const cfg *c, const char *xkey)
{
	json_t *t0 = json_object_get(c->runs[0], "trace");
	size_t i;
	json_t *row;
	int pts = 0;
	json_array_foreach(t0, i, row) {
		double x = num(row, xkey), v[64];
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
		series_lo = lo < series_lo ? lo : series_lo;
		series_hi = hi > series_hi ? hi : series_hi;
		pts++;
	}
	fprintf(dat, "\n\n");
	return pts;
}

static void loss_plot(const char *problem, const char *mode, cfg *cs, int nc, const char *xkey, const char *xlabel)
{
	char svg[512], datp[512];
	FILE *dat, *gp = fig_begin(900, 420, svg, sizeof(svg), datp, sizeof(datp), &dat);
	if (!gp)
		return;
	int idx[64], ni = 0;
	series_lo = INFINITY;
	series_hi = 0;
	for (int i = 0; i < nc && ni < 64; i++)
		if (!strcmp(cs[i].mode, mode) && write_series(dat, &cs[i], xkey) > 0)
			idx[ni++] = i;
	fclose(dat);
	char title[300];
	snprintf(title, sizeof(title), "%s, %s: training loss vs %s", problem, mode, xlabel);
	/* tight: log autoscaling would stretch to whole decades and flatten the curves */
	fputs("set logscale y\nset autoscale yfix\nset offsets 0, 0, graph 0.03, graph 0.03\nset title ", gp);
	gq(gp, title);
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
			fprintf(gp, "'%s' index %d using 1:3:4 with filledcurves fs transparent solid 0.15 lc %d notitle, ", datp,
			        k, k + 1);
		}
		fprintf(gp, "'%s' index %d using 1:2 with lines lw 2 lc %d title ", datp, k, k + 1);
		char t[260];
		snprintf(t, sizeof(t), "%s%s", c->label, c->n > 1 ? " (median, min-max)" : "");
		gq(gp, t);
		fputs(k + 1 < ni ? ", " : "\n", gp);
	}
	if (!ni)
		fputs("1/0 notitle\n", gp);
	fig_end(gp, svg, title);
}

static void ttt_section(const char *problem, cfg *cs, int nc, json_t *targets)
{
	size_t nt = json_array_size(targets);
	fprintf(html, "<h3>%s: ", nt ? "Time to target" : "Summary");
	esc(problem);
	fputs("</h3>\n<table><tr><th>optimizer</th><th>mode</th><th>runs</th>", html);
	for (size_t k = 0; k < nt; k++)
		fprintf(html, "<th>loss &le; %g (s)</th>", json_number_value(json_array_get(targets, k)));
	fputs("<th>final loss</th><th>test acc.</th><th>samples/s</th><th>stop</th></tr>\n", html);
	/* bar chart data: first target, median time, per configuration */
	char svg[512], datp[512];
	/* horizontal bars, one row per configuration: labels stay readable */
	FILE *dat, *gp = fig_begin(900, 120 + 22 * nc, svg, sizeof(svg), datp, sizeof(datp), &dat);
	int bars = 0;
	for (int i = 0; i < nc; i++) {
		cfg *c = &cs[i];
		fputs("<tr><td>", html);
		esc(c->label);
		fputs("</td><td>", html);
		esc(c->mode);
		fprintf(html, "</td><td>%d</td>", c->n);
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
				fprintf(html, "<td class=nr>not reached%s</td>", reached ? " (median)" : "");
			else if (c->n > 1) {
				double lo = v[0], hi = v[0];
				for (int q = 1; q < c->n; q++)
					lo = v[q] < lo ? v[q] : lo, hi = v[q] > hi ? v[q] : hi;
				char h[32];
				if (isfinite(hi))
					snprintf(h, sizeof(h), "%.3f", hi);
				else
					snprintf(h, sizeof(h), "not reached");
				fprintf(html, "<td>%.3f [%.3f, %s]</td>", m, lo, h);
			} else
				fprintf(html, "<td>%.3f</td>", m);
		}
		json_t *last = c->runs[c->n - 1], *sm = json_object_get(last, "summary");
		json_t *tr = json_object_get(last, "trace");
		json_t *lr = json_array_get(tr, json_array_size(tr) - 1);
		double acc = num(lr, "test_accuracy"), fl = num(sm, "final_loss");
		int div = json_is_true(json_object_get(sm, "diverged"));
		int noisy = json_is_true(json_object_get(json_object_get(last, "noise"), "noisy"));
		if (isfinite(fl))
			fprintf(html, "<td>%.5g</td>", fl);
		else
			fputs("<td class=nr>-</td>", html);
		if (isfinite(acc))
			fprintf(html, "<td>%.2f%%</td>", 100 * acc);
		else
			fputs("<td>-</td>", html);
		fprintf(html, "<td>%.3g</td><td>%s%s%s</td></tr>\n", num(sm, "samples_per_s"), str(sm, "stop_reason"),
		        div ? " <b class=nr>diverged</b>" : "", noisy ? " <b class=noisy>noisy</b>" : "");
		if (dat) {
			fprintf(dat, "%d \"%s  %s\" %.9g\n", nc - 1 - bars, c->label, c->mode, isfinite(first_med) ? first_med : 0.0);
			bars++;
		}
	}
	fputs("</table>\n", html);
	if (!gp || !dat || !nt) { /* the chart needs a target */
		if (gp)
			fclose(gp);
		if (dat)
			fclose(dat);
		nfig -= gp != NULL;
		return;
	}
	fclose(dat);
	char title[300];
	snprintf(title, sizeof(title), "%.200s: training time to loss <= %g (median; 'not reached' has no bar)", problem,
	         json_number_value(json_array_get(targets, 0)));
	fputs("set title ", gp);
	gq(gp, title);
	fprintf(gp, "\nset xlabel 'seconds of training'\nset style fill solid 0.6\nset key off\nset xrange [0:*]\n"
	            "set offsets 0, graph 0.12, 0, 0\n"
	            "set yrange [-0.7:%d.7]\nset ytics font ',9'\nset lmargin 44\n"
	            "plot '%s' using ($3 > 0 ? $3 / 2 : 1/0):1:($3 / 2):(0.35):yticlabels(2) with boxxyerrorbars "
	            "lc rgb '#4472c4', '' using (0):1:($3 > 0 ? '' : ' not reached') with labels left "
	            "textcolor rgb '#c00000' font ',9', '' using ($3 > 0 ? $3 : 1/0):1:(sprintf(' %%.3f s', $3)) "
	            "with labels left font ',9'\n",
	        nc - 1, datp);
	fig_end(gp, svg, title);
}

static void runs_section(json_t **docs, int nd)
{
	/* problems in order of appearance; configurations by label and mode */
	char problems[32][200];
	int np = 0;
	for (int d = 0; d < nd; d++) {
		size_t i;
		json_t *r;
		json_array_foreach(json_object_get(docs[d], "runs"), i, r) {
			char key[200];
			problem_key(r, key, sizeof(key));
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
				problem_key(r, key, sizeof(key));
				if (strcmp(key, problems[p]))
					continue;
				run_label(r, label, sizeof(label));
				mode_label(r, mode, sizeof(mode));
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
		fputs("<h2>", html);
		esc(problems[p]);
		fputs("</h2>\n", html);
		for (int m = 0; m < nm; m++)
			loss_plot(problems[p], modes[m], cs, nc, "train_s", "training seconds");
		for (int m = 0; m < nm; m++)
			loss_plot(problems[p], modes[m], cs, nc, "epoch", "epochs");
		ttt_section(problems[p], cs, nc, targets);
		free(cs);
	}
}

/* ---------------- tuning: sensitivity and performance profiles ---------------- */

/* Learning-rate sensitivity per mode: the grid's score against lr (log x),
 * one line per optimizer family; diverged settings drawn as red crosses at the
 * top, settings that missed the target as open circles at the top. */
static void sensitivity_section(json_t *doc)
{
	json_t *tune = json_object_get(doc, "tune");
	json_t *groups = json_object_get(tune, "groups");
	int by_time = !strcmp(str(tune, "criterion"), "time");
	char modes[16][48];
	int nm = 0;
	size_t i;
	json_t *g;
	json_array_foreach(groups, i, g) {
		int seen = 0;
		for (int k = 0; k < nm; k++)
			seen |= !strcmp(modes[k], str(g, "mode"));
		if (!seen && nm < 16)
			snprintf(modes[nm++], sizeof(modes[0]), "%s", str(g, "mode"));
	}
	fputs("<h2>Tuning</h2>\n<p>Criterion: ", html);
	esc(by_time ? "time to the first target" : "final training loss at the grid budget");
	fputs(". Winners (rerun over several seeds, shown in the plots and tables above): ", html);
	json_array_foreach(groups, i, g) {
		fputs(i ? "; " : "", html);
		esc(str(g, "winner"));
		fputs(" (", html);
		esc(str(g, "mode"));
		fputs(")", html);
	}
	fputs(".</p>\n", html);
	for (int m = 0; m < nm; m++) {
		char svg[512], datp[512];
		FILE *dat, *gp = fig_begin(900, 420, svg, sizeof(svg), datp, sizeof(datp), &dat);
		if (!gp)
			return;
		int nser = 0;
		char titles[32][256];
		double top = 0;
		json_array_foreach(groups, i, g) {
			if (strcmp(str(g, "mode"), modes[m]) || nser == 32)
				continue;
			size_t j;
			json_t *e;
			json_array_foreach(json_object_get(g, "grid"), j, e) {
				double y = num(e, by_time ? "time_to_target" : "final_loss");
				if (isfinite(y) && y > top)
					top = y;
			}
		}
		top = top > 0 ? top * 1.3 : 1;
		/* one block per family: lr, score (nan = gap), diverged marker, not-reached marker */
		json_array_foreach(groups, i, g) {
			if (strcmp(str(g, "mode"), modes[m]) || nser == 32)
				continue;
			size_t j;
			json_t *e;
			json_array_foreach(json_object_get(g, "grid"), j, e) {
				const char *lr = strstr(str(e, "optimizer"), "lr=");
				if (!lr)
					continue;
				double x = atof(lr + 3), y = num(e, by_time ? "time_to_target" : "final_loss");
				int div = json_is_true(json_object_get(e, "diverged"));
				fprintf(dat, "%.9g %.9g %.9g %.9g\n", x, isfinite(y) && !div ? y : NAN, div ? top : NAN,
				        !div && !isfinite(y) ? top : NAN);
			}
			fprintf(dat, "\n\n");
			snprintf(titles[nser++], sizeof(titles[0]), "%s", str(g, "family"));
		}
		fclose(dat);
		char title[300];
		snprintf(title, sizeof(title), "Learning-rate sensitivity, %.47s: %s against lr (grid budget)", modes[m],
		         by_time ? "time to target" : "final training loss");
		fputs("set title ", gp);
		gq(gp, title);
		fprintf(gp, "\nset logscale x\nset xlabel 'learning rate'\nset ylabel '%s'\nset datafile missing 'nan'\n",
		        by_time ? "seconds of training to target" : "final training loss");
		/* key entries come from empty functions, so a family whose every
		 * setting missed the target still appears, and so do the markers */
		fputs("plot 1/0 with points pt 6 ps 1.2 lc rgb '#777777' title 'did not reach the target (drawn at the top)', "
		      "1/0 with points pt 2 ps 1.5 lc rgb '#c00000' title 'diverged'", gp);
		for (int k = 0; k < nser; k++) {
			fprintf(gp, ", 1/0 with linespoints pt 7 lc %d title ", k + 1);
			gq(gp, titles[k]);
			fprintf(gp, ", '%s' index %d using 1:2 with linespoints pt 7 lc %d notitle, "
			            "'' index %d using 1:3 with points pt 2 ps 1.5 lc rgb '#c00000' notitle, "
			            "'' index %d using 1:4 with points pt 6 ps 1.2 lc %d notitle",
			        datp, k, k + 1, k, k, k + 1);
		}
		fputc('\n', gp);
		fig_end(gp, svg, title);
	}
}

/* Performance profile over problems (model, dataset, mode) of the reruns:
 * per optimizer family, the median time to the first target over seeds. */
static void profile_section(json_t **docs, int nd)
{
	char solvers[32][128], problems[64][200];
	int ns = 0, np = 0;
	double t[32][64];
	for (int a = 0; a < 32; a++)
		for (int b = 0; b < 64; b++)
			t[a][b] = NAN;
	for (int d = 0; d < nd; d++) {
		json_t *groups = json_object_get(json_object_get(docs[d], "tune"), "groups");
		size_t i;
		json_t *g;
		json_array_foreach(groups, i, g) {
			const char *winner = str(g, "winner"), *mode = str(g, "mode");
			/* solver: the update rule of the family's winner (sgd:momentum=0.9 is momentum) */
			char solver[128] = "";
			double v[100];
			int nv = 0;
			char problem[200] = "";
			size_t j;
			json_t *r;
			json_array_foreach(json_object_get(docs[d], "runs"), j, r) {
				if (strcmp(str(r, "tune_role"), "rerun") ||
				    strcmp(str(json_object_get(r, "optimizer"), "name"), winner) || nv == 100)
					continue;
				char rm[48], key[200];
				mode_label(r, rm, sizeof(rm));
				if (strcmp(rm, mode))
					continue;
				problem_key(r, key, sizeof(key));
				snprintf(problem, sizeof(problem), "%.150s, %.40s", key, mode);
				snprintf(solver, sizeof(solver), "%s", str(json_object_get(r, "optimizer"), "rule"));
				json_t *tt = json_object_get(json_array_get(json_object_get(json_object_get(r, "summary"),
				                                                            "time_to_target"), 0), "train_s");
				v[nv++] = json_is_number(tt) ? json_number_value(tt) : INFINITY;
			}
			if (!nv || !*problem)
				continue;
			int s = -1, p = -1;
			for (int k = 0; k < ns; k++)
				if (!strcmp(solvers[k], solver))
					s = k;
			for (int k = 0; k < np; k++)
				if (!strcmp(problems[k], problem))
					p = k;
			if (s < 0 && ns < 32)
				snprintf(solvers[s = ns++], sizeof(solvers[0]), "%s", solver);
			if (p < 0 && np < 64)
				snprintf(problems[p = np++], sizeof(problems[0]), "%s", problem);
			if (s >= 0 && p >= 0)
				t[s][p] = gd_median(v, (size_t)nv);
		}
	}
	if (!ns || !np)
		return;
	double *flat = malloc((size_t)ns * (size_t)np * sizeof(double)), *ratio = malloc((size_t)ns * (size_t)np * sizeof(double));
	for (int s = 0; s < ns; s++)
		for (int p = 0; p < np; p++)
			flat[s * np + p] = isnan(t[s][p]) ? INFINITY : t[s][p];
	gd_perf_ratios(flat, (size_t)ns, (size_t)np, ratio);
	fputs("<h2>Across problems</h2>\n<table><tr><th>optimizer</th>", html);
	for (int p = 0; p < np; p++) {
		fputs("<th>", html);
		esc(problems[p]);
		fputs(" (time / fastest)</th>", html);
	}
	int sgd = -1;
	for (int s = 0; s < ns; s++)
		if (!strcmp(solvers[s], "sgd"))
			sgd = s;
	fputs(sgd >= 0 ? "<th>geomean speedup over sgd</th></tr>\n" : "</tr>\n", html);
	double rmax = 1;
	for (int s = 0; s < ns; s++) {
		fputs("<tr><td>", html);
		esc(solvers[s]);
		fputs("</td>", html);
		double lg = 0;
		int nl = 0;
		for (int p = 0; p < np; p++) {
			double x = ratio[s * np + p];
			if (isfinite(x)) {
				fprintf(html, "<td>%.2f</td>", x);
				rmax = x > rmax ? x : rmax;
			} else
				fputs("<td class=nr>not reached</td>", html);
			if (sgd >= 0 && isfinite(flat[sgd * np + p]) && isfinite(flat[s * np + p])) {
				lg += log(flat[sgd * np + p] / flat[s * np + p]);
				nl++;
			}
		}
		if (sgd >= 0)
			fprintf(html, nl ? "<td>%.2fx</td>" : "<td>-</td>", exp(lg / (nl ? nl : 1)));
		fputs("</tr>\n", html);
	}
	fputs("</table>\n", html);
	char svg[512], datp[512];
	FILE *dat, *gp = fig_begin(900, 400, svg, sizeof(svg), datp, sizeof(datp), &dat);
	if (gp) {
		/* rho_s(tau) sampled on a log grid of tau in [1, 1.2 * the largest finite ratio] */
		for (int s = 0; s < ns; s++) {
			for (int k = 0; k <= 200; k++) {
				double tau = exp(log(rmax * 1.2) * k / 200.0);
				fprintf(dat, "%.6g %.6g\n", tau, gd_perf_profile(ratio, (size_t)ns, (size_t)np, (size_t)s, tau));
			}
			fprintf(dat, "\n\n");
		}
		fclose(dat);
		const char *title = "Performance profile: fraction of problems solved within tau times the fastest";
		fputs("set title ", gp);
		gq(gp, title);
		fputs("\nset logscale x 2\nset xlabel 'tau'\nset ylabel 'rho(tau)'\nset yrange [0:1.05]\nplot ", gp);
		for (int s = 0; s < ns; s++) {
			fprintf(gp, "'%s' index %d using 1:2 with steps lw 2 lc %d title ", datp, s, s + 1);
			gq(gp, solvers[s]);
			fputs(s + 1 < ns ? ", " : "\n", gp);
		}
		fig_end(gp, svg, title);
	}
	free(flat);
	free(ratio);
}

/* ---------------- kernel microbenchmarks ---------------- */

/* The update-rule variants a kernels file holds ("scalar", "auto/avx2", ...,
 * or "simd/sve" on ARM), read from its names "<rule>/<variant>/<size>:...":
 * gdbench registers them best first, so reversed first appearance puts
 * scalar first and the widest SIMD variant last. Returns the count. */
#define MAXVAR 8
static int update_variants(json_t *b, char vars[MAXVAR][32])
{
	static const char *const sizes[] = { "/L1:", "/L2:", "/L3:", "/DRAM:", "/n:" };
	char seen[MAXVAR][32];
	int n = 0;
	size_t i;
	json_t *row;
	json_array_foreach(b, i, row) {
		const char *name = str(row, "name"), *v = strchr(name, '/'), *end = NULL;
		if (!v || !json_object_get(row, "roofline"))
			continue;
		for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]) && !end; k++)
			end = strstr(v, sizes[k]);
		if (!end || end - v - 1 <= 0 || end - v - 1 >= 32)
			continue;
		char var[32];
		snprintf(var, sizeof(var), "%.*s", (int)(end - v - 1), v + 1);
		int dup = 0;
		for (int k = 0; k < n; k++)
			dup |= !strcmp(seen[k], var);
		if (!dup && n < MAXVAR)
			snprintf(seen[n++], sizeof(seen[0]), "%s", var);
	}
	for (int k = 0; k < n; k++)
		snprintf(vars[k], sizeof(vars[0]), "%s", seen[n - 1 - k]);
	return n;
}

static void kernels_section(json_t *doc)
{
	json_t *b = json_object_get(doc, "benchmarks");
	/* update rules: roofline fraction per rule x variant, for each size label, 1 thread */
	char vars[MAXVAR][32];
	const int nv = update_variants(b, vars);
	char sizes[8][32];
	int ns = 0;
	size_t i;
	json_t *row;
	json_array_foreach(b, i, row) {
		if (!strcmp(str(row, "run_type"), "aggregate") && strcmp(str(row, "aggregate_name"), "median"))
			continue;
		const char *name = str(row, "name");
		const char *sz = strstr(name, "/L1:") ? "L1" : strstr(name, "/L2:") ? "L2" : strstr(name, "/L3:") ? "L3"
		                 : strstr(name, "/DRAM:") ? "DRAM" : strstr(name, "/n:") ? "n" : NULL;
		if (!sz || !json_object_get(row, "roofline"))
			continue;
		int seen = 0;
		for (int k = 0; k < ns; k++)
			seen |= !strcmp(sizes[k], sz);
		if (!seen && ns < 8)
			snprintf(sizes[ns++], sizeof(sizes[0]), "%s", sz);
	}
	if (ns)
		fputs("<h2>Update-rule kernels</h2>\n", html);
	static const char *rules[] = { "sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adadelta", "adam", "adamw",
		                       "amsgrad", "adamax", "nadam", "rprop" };
	for (int s = 0; s < ns; s++) {
		for (int which = 0; which < 2; which++) { /* roofline fraction, then speedup over scalar */
			if (which == 1 && nv < 2)
				break; /* scalar alone: no speedup to show */
			char svg[512], datp[512];
			FILE *dat, *gp = fig_begin(900, 380, svg, sizeof(svg), datp, sizeof(datp), &dat);
			if (!gp)
				return;
			int any = 0;
			for (size_t r = 0; r < sizeof(rules) / sizeof(rules[0]); r++) {
				double val[MAXVAR], ips[MAXVAR];
				for (int v = 0; v < MAXVAR; v++)
					val[v] = ips[v] = NAN;
				json_array_foreach(b, i, row) {
					const char *name = str(row, "name");
					if ((!strcmp(str(row, "run_type"), "aggregate") && strcmp(str(row, "aggregate_name"), "median")) ||
					    num(row, "threads") != 1)
						continue;
					char pre[64];
					for (int v = 0; v < nv; v++) {
						snprintf(pre, sizeof(pre), "%s/%s/%s:", rules[r], vars[v], sizes[s]);
						if (!strncmp(name, pre, strlen(pre))) {
							val[v] = num(row, "roofline");
							ips[v] = num(row, "items_per_second");
						}
					}
				}
				fprintf(dat, "%s", rules[r]);
				for (int v = 0; v < nv; v++) {
					double x = which == 0 ? val[v] : ips[v] / ips[0];
					fprintf(dat, " %.6g", isfinite(x) ? x : 0.0);
					any |= isfinite(x) && v > 0;
				}
				fputc('\n', dat);
			}
			fclose(dat);
			char title[200];
			if (which == 0)
				snprintf(title, sizeof(title), "Update rules at size %s, 1 thread: throughput / memory-only ceiling "
				         "timed alongside", sizes[s]);
			else
				snprintf(title, sizeof(title), "Update rules at size %s, 1 thread: speedup over the scalar variant",
				         sizes[s]);
			fputs("set title ", gp);
			gq(gp, title);
			fprintf(gp, "\nset style data histograms\nset style histogram clustered gap 1\nset style fill solid 0.8\n"
			            "set ylabel '%s'\nset xtics rotate by -30\nset yrange [0:*]\n",
			        which == 0 ? "fraction of the ceiling" : "x scalar");
			if (!any)
				fputs("set label 1 'no data' at graph 0.5,0.5 center\n", gp);
			fprintf(gp, "plot ");
			for (int v = which; v < nv; v++)
				fprintf(gp, "'%s' using %d:xtic(1) title '%s'%s", datp, v + 2, vars[v], v < nv - 1 ? ", " : "\n");
			fig_end(gp, svg, title);
		}
	}
	/* thread scaling: best variant's elements/s, 2 threads over 1, per rule and size */
	int have2 = 0;
	json_array_foreach(b, i, row) have2 |= num(row, "threads") == 2 && json_object_get(row, "roofline");
	if (have2) {
		char svg[512], datp[512];
		FILE *dat, *gp = fig_begin(900, 360, svg, sizeof(svg), datp, sizeof(datp), &dat);
		if (gp) {
			for (size_t r = 0; r < sizeof(rules) / sizeof(rules[0]); r++) {
				fprintf(dat, "%s", rules[r]);
				for (int s = 0; s < ns; s++) {
					double t1 = 0, t2 = 0;
					json_array_foreach(b, i, row) {
						if (!strcmp(str(row, "run_type"), "aggregate") && strcmp(str(row, "aggregate_name"), "median"))
							continue;
						char pre[64];
						snprintf(pre, sizeof(pre), "%s/%s/%s:", rules[r], vars[nv - 1], sizes[s]);
						if (strncmp(str(row, "name"), pre, strlen(pre)))
							continue;
						if (num(row, "threads") == 1)
							t1 = num(row, "items_per_second");
						if (num(row, "threads") == 2)
							t2 = num(row, "items_per_second");
					}
					fprintf(dat, " %.4g", t1 > 0 && t2 > 0 ? t2 / t1 : 0.0);
				}
				fputc('\n', dat);
			}
			fclose(dat);
			char title[160];
			snprintf(title, sizeof(title), "Thread scaling: %s elements/s on 2 threads over 1 (per size)",
			         vars[nv - 1]);
			fputs("set title ", gp);
			gq(gp, title);
			fputs("\nset style data histograms\nset style histogram clustered gap 1\nset style fill solid 0.8\n"
			      "set ylabel 'speedup'\nset xtics rotate by -30\nset yrange [0:*]\n", gp);
			fputs("plot ", gp);
			for (int s = 0; s < ns; s++)
				fprintf(gp, "'%s' using %d:xtic(1) title '%s'%s", datp, s + 2, sizes[s], s + 1 < ns ? ", " : "\n");
			fig_end(gp, svg, title);
		}
	}
	/* gradient kernels: fraction of FMA peak by batch, per kernel */
	int haveg = 0;
	json_array_foreach(b, i, row) haveg |= json_object_get(row, "xread") != NULL;
	if (haveg) {
		fputs("<h2>Gradient kernels</h2>\n<table><tr><th>kernel / batch</th><th>rows/s</th><th>GFLOP/s</th>"
		      "<th>fraction of FMA peak</th><th>xread</th></tr>\n", html);
		json_array_foreach(b, i, row) {
			if (!json_object_get(row, "xread") ||
			    (!strcmp(str(row, "run_type"), "aggregate") && strcmp(str(row, "aggregate_name"), "median")))
				continue;
			fputs("<tr><td>", html);
			esc(str(row, "name"));
			fprintf(html, "</td><td>%.4g</td><td>%.1f</td><td>%.2f</td><td>%.2f</td></tr>\n",
			        num(row, "items_per_second"), num(row, "GFLOPs"), num(row, "peak"), num(row, "xread"));
		}
		fputs("</table>\n", html);
	}
}

/* ---------------- optimizer paths ---------------- */

static void paths_section(json_t *doc)
{
	fputs("<h2>Optimizer paths on test functions</h2>\n", html);
	size_t i;
	json_t *fn;
	json_array_foreach(json_object_get(doc, "functions"), i, fn) {
		const char *name = str(fn, "function");
		json_t *box = json_object_get(fn, "box");
		double k = num(fn, "kappa"), th = num(fn, "theta");
		char f[512];
		if (!strcmp(name, "quadratic")) {
			double cs = cos(th), sn = sin(th), a = cs * cs + k * sn * sn, b = (1 - k) * cs * sn, d = sn * sn + k * cs * cs;
			snprintf(f, sizeof(f), "0.5*(%.9g*x**2 + 2*%.9g*x*y + %.9g*y**2)", a, b, d);
		} else if (!strcmp(name, "rosenbrock"))
			snprintf(f, sizeof(f), "log10(1 + (1-x)**2 + 100*(y-x**2)**2)");
		else if (!strcmp(name, "beale"))
			snprintf(f, sizeof(f), "log10(1 + (1.5-x+x*y)**2 + (2.25-x+x*y**2)**2 + (2.625-x+x*y**3)**2)");
		else if (!strcmp(name, "saddle"))
			snprintf(f, sizeof(f), "x**2 - y**2");
		else
			continue;
		char svg[512], datp[512], contp[512];
		FILE *dat, *gp = fig_begin(760, 560, svg, sizeof(svg), datp, sizeof(datp), &dat);
		if (!gp)
			return;
		snprintf(contp, sizeof(contp), "%s/fig%d.cont", tmpdir, nfig - 1);
		size_t j;
		json_t *p;
		json_array_foreach(json_object_get(fn, "paths"), j, p) {
			size_t q;
			json_t *xy;
			json_array_foreach(json_object_get(p, "xy"), q, xy)
				fprintf(dat, "%.9g %.9g\n", json_number_value(json_array_get(xy, 0)), json_number_value(json_array_get(xy, 1)));
			fprintf(dat, "\n\n");
		}
		fclose(dat);
		double x0 = json_number_value(json_array_get(box, 0)), x1 = json_number_value(json_array_get(box, 1));
		double y0 = json_number_value(json_array_get(box, 2)), y1 = json_number_value(json_array_get(box, 3));
		fprintf(gp, "f(x,y) = %s\nset xrange [%g:%g]\nset yrange [%g:%g]\nset isosamples 120,120\nset samples 120,120\n"
		            "set contour base\nset cntrparam levels auto 14\nunset surface\nset view map\n"
		            "set table '%s'\nsplot f(x,y)\nunset table\nunset contour\n",
		        f, x0, x1, y0, y1, contp);
		char title[200];
		snprintf(title, sizeof(title), "%s%s: optimizer paths over contours of %s", name,
		         !strcmp(name, "quadratic") ? " (kappa 10, rotated)" : "",
		         !strcmp(name, "rosenbrock") || !strcmp(name, "beale") ? "log10(1 + f)" : "f");
		fputs("set title ", gp);
		gq(gp, title);
		fputs("\nset xlabel 'x'\nset ylabel 'y'\nset size ratio -1\n", gp);
		fprintf(gp, "plot '%s' with lines lc rgb '#bbbbbb' notitle", contp);
		json_array_foreach(json_object_get(fn, "paths"), j, p) {
			fprintf(gp, ", '%s' index %zu with linespoints pt 7 ps 0.3 lw 1.5 lc %zu title ", datp, j, j + 1);
			gq(gp, str(p, "optimizer"));
		}
		json_t *mn = json_object_get(fn, "minimizer");
		if (json_is_array(mn))
			fprintf(gp, ", '+' using (%g):(%g) every ::0::0 with points pt 3 ps 2 lc rgb 'black' title 'minimum'",
			        json_number_value(json_array_get(mn, 0)), json_number_value(json_array_get(mn, 1)));
		fputc('\n', gp);
		fig_end(gp, svg, title);
	}
}

/* ---------------- main ---------------- */

static void context_section(json_t *ctx, int noisy_runs, int diverged_runs)
{
	static const char *const keys[] = { "cpu_model", "isa", "isa_max", "topology", "pus", "cores", "cache_l1d",
		                            "cache_l2", "cache_l3", "openblas_corename", "openblas_threads_used",
		                            "compiler", "build_type", "gdbench_version", "git_revision", "date", "host",
		                            "load_avg_1m" };
	fputs("<h2>Context</h2>\n<table class=ctx>", html);
	for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
		json_t *v = json_object_get(ctx, keys[k]);
		if (!v)
			continue;
		char *s = json_is_string(v) ? strdup(json_string_value(v)) : json_dumps(v, JSON_ENCODE_ANY);
		fprintf(html, "<tr><th>%s</th><td>", keys[k]);
		esc(s ? s : "");
		fputs("</td></tr>", html);
		free(s);
	}
	for (int t = 1; t <= 64; t++) {
		char key[32];
		snprintf(key, sizeof(key), "roofline_%dt", t);
		json_t *r = json_object_get(ctx, key);
		if (r)
			fprintf(html, "<tr><th>roofline, %d thread%s</th><td>copy %.1f GB/s, triad %.1f GB/s, FMA peak %.1f GFLOP/s"
			              "</td></tr>", t, t > 1 ? "s" : "", num(r, "copy_GBps"), num(r, "triad_GBps"),
			        num(r, "fma_GFLOPs"));
	}
	fputs("</table>\n", html);
	if (noisy_runs || diverged_runs)
		fprintf(html, "<p class=noisy>%d run%s flagged noisy (another process competed for the CPUs), %d diverged.</p>\n",
		        noisy_runs, noisy_runs == 1 ? "" : "s", diverged_runs);
}

static const char help[] =
	"Usage: gdbench-report [--title T] -o DIR FILE...\n"
	"Write DIR/index.html, a self-contained report (plots inlined as SVG, drawn by gnuplot)\n"
	"from gdbench result files: `gdbench run` results (loss vs training time and epochs per\n"
	"mode, repetitions as median with a min-max band, time-to-target table and chart),\n"
	"`gdbench kernels` files (throughput against the ceiling, SIMD speedups, thread scaling,\n"
	"gradient kernels) and `gdbench paths` files (optimizer paths over contour plots).\n"
	"\n"
	"  -o, --out DIR   output directory (created if needed)\n"
	"  --title T       report title\n"
	"  -h, --help      this text;  --version\n"
	"Exit status: 0 written, 1 failure (gnuplot, writing), 2 usage or input error.\n";

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "out", required_argument, NULL, 'o' }, { "title", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },      { "version", no_argument, NULL, 'V' },
		{ 0, 0, 0, 0 },
	};
	const char *out = NULL, *title = "gdbench report";
	int c;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":ho:", opts, NULL)) != -1) {
		switch (c) {
		case 'o': out = optarg; break;
		case 't': title = optarg; break;
		case 'h': fputs(help, stdout); return 0;
		case 'V': printf("gdbench-report %s\n", VERSION); return 0;
		case ':': fprintf(stderr, "gdbench-report: option '%s' needs a value\n", argv[optind - 1]); return 2;
		default: fprintf(stderr, "gdbench-report: unknown option '%s'\nTry 'gdbench-report --help'.\n", argv[optind - 1]); return 2;
		}
	}
	if (!out || optind >= argc) {
		fprintf(stderr, "gdbench-report: need -o DIR and at least one result file\nTry 'gdbench-report --help'.\n");
		return 2;
	}
	int nd = argc - optind;
	json_t **docs = calloc((size_t)nd, sizeof(json_t *));
	int kinds[256];
	if (nd > 256) {
		fprintf(stderr, "gdbench-report: at most 256 files\n");
		return 2;
	}
	for (int d = 0; d < nd; d++) {
		char err[1024];
		docs[d] = gd_json_load_lenient(argv[optind + d], err, sizeof(err));
		if (!docs[d])
			fprintf(stderr, "gdbench-report: %s\n", err);
		const char *schema = docs[d] ? str(docs[d], "schema") : "";
		kinds[d] = !docs[d] ? -1 : !strcmp(schema, "gdbench-results") ? 0 : !strcmp(schema, "gdbench-paths") ? 2
		           : json_is_array(json_object_get(docs[d], "benchmarks")) ? 1 : -1;
		if (docs[d] && kinds[d] < 0)
			fprintf(stderr, "gdbench-report: %s: not a gdbench result, kernels or paths file\n", argv[optind + d]);
		if (kinds[d] < 0) {
			for (int k = 0; k <= d; k++)
				json_decref(docs[k]);
			free(docs);
			return 2;
		}
	}
	char final[4096], part[4200];
	snprintf(final, sizeof(final), "%s/index.html", out);
	snprintf(part, sizeof(part), "%s/index.html.tmp.%ld", out, (long)getpid());
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/gdreport.XXXXXX");
	const char *what = NULL;
	if (mkdir(out, 0755) && errno != EEXIST)
		what = "cannot create";
	else if (!mkdtemp(tmpdir))
		what = "cannot create a temporary directory for";
	else if (!(html = fopen(part, "w")))
		what = "cannot write into";
	if (what) {
		fprintf(stderr, "gdbench-report: %s '%s': %s\n", what, out, strerror(errno));
		if (tmpdir[strlen(tmpdir) - 1] != 'X')
			rmdir(tmpdir);
		for (int k = 0; k < nd; k++)
			json_decref(docs[k]);
		free(docs);
		return 1;
	}
	time_t now = time(NULL);
	char date[64];
	strftime(date, sizeof(date), "%Y-%m-%d %H:%M UTC", gmtime(&now));
	fputs("<!DOCTYPE html>\n<html lang=en><head><meta charset=utf-8><title>", html);
	esc(title);
	fputs("</title>\n<style>body{font-family:sans-serif;max-width:1000px;margin:2em auto;color:#222}"
	      "table{border-collapse:collapse;margin:1em 0;font-size:0.9em}td,th{border:1px solid #ccc;padding:3px 8px;"
	      "text-align:left}th{background:#f3f3f3}.nr{color:#c00000}.noisy{color:#b36b00}.err{color:#c00000}"
	      "figure{margin:1.5em 0}figcaption{font-size:0.85em;color:#555}svg{max-width:100%;height:auto}"
	      "</style></head><body>\n<h1>", html);
	esc(title);
	fprintf(html, "</h1>\n<p>Generated %s by gdbench-report %s from:", date, VERSION);
	for (int d = 0; d < nd; d++) {
		fputs(d ? ", " : " ", html);
		esc(argv[optind + d]);
	}
	fputs(". Loss is the mean training loss plus the penalty, against training time (evaluation excluded).</p>\n", html);
	int noisy = 0, diverged = 0;
	json_t *ctx = NULL;
	for (int d = 0; d < nd; d++) {
		if (!ctx && kinds[d] != 2)
			ctx = json_object_get(docs[d], "context");
		size_t i;
		json_t *r;
		json_array_foreach(json_object_get(docs[d], "runs"), i, r) {
			noisy += json_is_true(json_object_get(json_object_get(r, "noise"), "noisy"));
			diverged += json_is_true(json_object_get(json_object_get(r, "summary"), "diverged"));
		}
	}
	if (ctx)
		context_section(ctx, noisy, diverged);
	json_t *rdocs[256];
	int nr = 0;
	for (int d = 0; d < nd; d++)
		if (kinds[d] == 0)
			rdocs[nr++] = docs[d];
	if (nr)
		runs_section(rdocs, nr);
	int ntuned = 0;
	for (int d = 0; d < nr; d++)
		if (json_object_get(rdocs[d], "tune")) {
			sensitivity_section(rdocs[d]);
			ntuned++;
		}
	if (ntuned)
		profile_section(rdocs, nr);
	for (int d = 0; d < nd; d++)
		if (kinds[d] == 1)
			kernels_section(docs[d]);
	for (int d = 0; d < nd; d++)
		if (kinds[d] == 2)
			paths_section(docs[d]);
	fputs("</body></html>\n", html);
	int werr = ferror(html);
	werr |= fclose(html) != 0;
	char cmd[400];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		fprintf(stderr, "gdbench-report: warning: could not remove %s\n", tmpdir);
	if (werr || rename(part, final) != 0) {
		unlink(part);
		fprintf(stderr, "gdbench-report: cannot write '%s'\n", final);
		return 1;
	}
	for (int d = 0; d < nd; d++)
		json_decref(docs[d]);
	free(docs);
	if (gnuplot_failed) {
		fprintf(stderr, "gdbench-report: %d figure%s failed (is gnuplot installed? tools/setup.sh installs gnuplot-nox)\n",
		        gnuplot_failed, gnuplot_failed == 1 ? "" : "s");
		return 1;
	}
	printf("%s\n", final);
	return 0;
}
