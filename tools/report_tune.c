/* gdbench-report: tuning, learning-rate sensitivity and performance profiles (report_sections.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_fig.h"
#include "report_plot.h"
#include "report_sections.h"
#include "runlabel.h"
#include "stats.h"

/* Learning-rate sensitivity per mode: the grid's score against lr (log x),
 * one line per optimizer family; diverged settings drawn as red crosses at the
 * top, settings that missed the target as open circles at the top. */
void rp_sensitivity_section(rp_ctx *ctx, json_t *doc)
{
	json_t *tune = json_object_get(doc, "tune");
	json_t *groups = json_object_get(tune, "groups");
	int by_time = !strcmp(rp_str(tune, "criterion"), "time");
	char modes[16][48];
	int nm = 0;
	size_t i;
	json_t *g;
	json_array_foreach(groups, i, g) {
		int seen = 0;
		for (int k = 0; k < nm; k++)
			seen |= !strcmp(modes[k], rp_str(g, "mode"));
		if (!seen && nm < 16)
			snprintf(modes[nm++], sizeof(modes[0]), "%s", rp_str(g, "mode"));
	}
	rp_section(ctx, "tune", "Tuning: the grid");
	fputs("<p>Criterion: ", ctx->html);
	rp_esc(ctx, by_time ? "time to the first target" : "final training loss at the grid budget");
	fputs(". Winners (rerun over several seeds, shown in the plots and tables above): ", ctx->html);
	json_array_foreach(groups, i, g) {
		fputs(i ? "; " : "", ctx->html);
		rp_esc(ctx, rp_str(g, "winner"));
		fputs(" (", ctx->html);
		rp_esc(ctx, rp_str(g, "mode"));
		fputs(")", ctx->html);
	}
	fputs(".</p>\n", ctx->html);
	for (int m = 0; m < nm; m++) {
		rp_fig f;
		if (rp_fig_begin(ctx, &f, 900, 420))
			return;
		FILE *gp = f.gp, *dat = f.dat;
		int nser = 0;
		char titles[32][256];
		double top = 0;
		json_array_foreach(groups, i, g) {
			if (strcmp(rp_str(g, "mode"), modes[m]) || nser == 32)
				continue;
			size_t j;
			json_t *e;
			json_array_foreach(json_object_get(g, "grid"), j, e) {
				double y = rp_num(e, by_time ? "time_to_target" : "final_loss");
				if (isfinite(y) && y > top)
					top = y;
			}
		}
		top = top > 0 ? top * 1.3 : 1;
		/* one block per family: lr, score (nan = gap), diverged marker, not-reached marker */
		json_array_foreach(groups, i, g) {
			if (strcmp(rp_str(g, "mode"), modes[m]) || nser == 32)
				continue;
			size_t j;
			json_t *e;
			json_array_foreach(json_object_get(g, "grid"), j, e) {
				const char *lr = strstr(rp_str(e, "optimizer"), "lr=");
				if (!lr)
					continue;
				double x = atof(lr + 3), y = rp_num(e, by_time ? "time_to_target" : "final_loss");
				int div = json_is_true(json_object_get(e, "diverged"));
				fprintf(dat, "%.9g %.9g %.9g %.9g\n", x, isfinite(y) && !div ? y : NAN, div ? top : NAN,
				        !div && !isfinite(y) ? top : NAN);
			}
			fprintf(dat, "\n\n");
			snprintf(titles[nser++], sizeof(titles[0]), "%s", rp_str(g, "family"));
		}
		char title[300];
		snprintf(title, sizeof(title), "Learning-rate sensitivity, %.47s: %s against lr (grid budget)", modes[m],
		         by_time ? "time to target" : "final training loss");
		fputs("set title ", gp);
		rp_gq(gp, title);
		fprintf(gp, "\nset logscale x\nset xlabel 'learning rate'\nset ylabel '%s'\nset datafile missing 'nan'\n",
		        by_time ? "seconds of training to target" : "final training loss");
		/* key entries come from empty functions, so a family whose every
		 * setting missed the target still appears, and so do the markers */
		fputs("plot 1/0 with points pt 6 ps 1.2 lc rgb '#777777' title 'did not reach the target (drawn at the top)', "
		      "1/0 with points pt 2 ps 1.5 lc rgb '#c00000' title 'diverged'", gp);
		for (int k = 0; k < nser; k++) { /* each family its own page colour (report_plot.h) */
			char key[300];
			snprintf(key, sizeof(key), "tune family %.200s", titles[k]);
			const char *col = rp_color(ctx, key);
			fprintf(gp, ", 1/0 with linespoints pt 7 lc rgb '%s' title ", col);
			rp_gq(gp, titles[k]);
			fprintf(gp, ", '%s' index %d using 1:2 with linespoints pt 7 lc rgb '%s' notitle, "
			            "'' index %d using 1:3 with points pt 2 ps 1.5 lc rgb '#c00000' notitle, "
			            "'' index %d using 1:4 with points pt 6 ps 1.2 lc rgb '%s' notitle",
			        f.datp, k, col, k, k, col);
		}
		fputc('\n', gp);
		rp_fig_end(ctx, &f, title);
	}
}

/* Performance profile over problems (model, dataset, mode) of the reruns:
 * per optimizer family, the median time to the first target over seeds. */
void rp_profile_section(rp_ctx *ctx, json_t **docs, int nd)
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
			const char *winner = rp_str(g, "winner"), *mode = rp_str(g, "mode");
			/* solver: the update rule of the family's winner (sgd:momentum=0.9 is momentum) */
			char solver[128] = "";
			double v[100];
			int nv = 0;
			char problem[200] = "";
			size_t j;
			json_t *r;
			json_array_foreach(json_object_get(docs[d], "runs"), j, r) {
				if (strcmp(rp_str(r, "tune_role"), "rerun") ||
				    strcmp(rp_str(json_object_get(r, "optimizer"), "name"), winner) || nv == 100)
					continue;
				char rm[48], key[200];
				gd_run_mode_label(r, rm, sizeof(rm));
				if (strcmp(rm, mode))
					continue;
				rp_problem_key(r, key, sizeof(key));
				snprintf(problem, sizeof(problem), "%.150s, %.40s", key, mode);
				snprintf(solver, sizeof(solver), "%s", rp_str(json_object_get(r, "optimizer"), "rule"));
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
	rp_section(ctx, "profile", "Tuning: across problems");
	fputs("<table><tr><th>optimizer</th>", ctx->html);
	for (int p = 0; p < np; p++) {
		fputs("<th>", ctx->html);
		rp_esc(ctx, problems[p]);
		fputs(" (time / fastest)</th>", ctx->html);
	}
	int sgd = -1;
	for (int s = 0; s < ns; s++)
		if (!strcmp(solvers[s], "sgd"))
			sgd = s;
	fputs(sgd >= 0 ? "<th>geomean speedup over sgd</th></tr>\n" : "</tr>\n", ctx->html);
	double rmax = 1;
	for (int s = 0; s < ns; s++) {
		fputs("<tr><td>", ctx->html);
		rp_esc(ctx, solvers[s]);
		fputs("</td>", ctx->html);
		double lg = 0;
		int nl = 0;
		for (int p = 0; p < np; p++) {
			double x = ratio[s * np + p];
			if (isfinite(x)) {
				fprintf(ctx->html, "<td>%.2f</td>", x);
				rmax = x > rmax ? x : rmax;
			} else
				fputs("<td class=nr>not reached</td>", ctx->html);
			if (sgd >= 0 && isfinite(flat[sgd * np + p]) && isfinite(flat[s * np + p])) {
				lg += log(flat[sgd * np + p] / flat[s * np + p]);
				nl++;
			}
		}
		if (sgd >= 0)
			fprintf(ctx->html, nl ? "<td>%.2fx</td>" : "<td>-</td>", exp(lg / (nl ? nl : 1)));
		fputs("</tr>\n", ctx->html);
	}
	fputs("</table>\n", ctx->html);
	rp_fig f;
	if (!rp_fig_begin(ctx, &f, 900, 400)) {
		FILE *gp = f.gp, *dat = f.dat;
		/* rho_s(tau) sampled on a log grid of tau in [1, 1.2 * the largest finite ratio] */
		for (int s = 0; s < ns; s++) {
			for (int k = 0; k <= 200; k++) {
				double tau = exp(log(rmax * 1.2) * k / 200.0);
				fprintf(dat, "%.6g %.6g\n", tau, gd_perf_profile(ratio, (size_t)ns, (size_t)np, (size_t)s, tau));
			}
			fprintf(dat, "\n\n");
		}
		const char *title = "Performance profile: fraction of problems solved within tau times the fastest";
		fputs("set title ", gp);
		rp_gq(gp, title);
		fputs("\nset logscale x 2\nset xlabel 'tau'\nset ylabel 'rho(tau)'\nset yrange [0:1.05]\nplot ", gp);
		for (int s = 0; s < ns; s++) {
			fprintf(gp, "'%s' index %d using 1:2 with steps lw 2 lc %d title ", f.datp, s, s + 1);
			rp_gq(gp, solvers[s]);
			fputs(s + 1 < ns ? ", " : "\n", gp);
		}
		rp_fig_end(ctx, &f, title);
	}
	free(flat);
	free(ratio);
}
