/* gdbench-report: time to target per configuration, and the summary's fastest configurations (report_runs.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_fig.h"
#include "report_plot.h"
#include "report_runs.h"
#include "stats.h"

/* Run r's resolution at target value: the training seconds between the first
 * evaluation with loss <= target and the evaluation before it (NAN: not reached). */
static double resolution(json_t *r, double target)
{
	json_t *trace = json_object_get(r, "trace");
	size_t i;
	json_t *row;
	json_array_foreach(trace, i, row) {
		double l = rp_num(row, "loss");
		if (isfinite(l) && l <= target)
			return i ? rp_num(row, "train_s") - rp_num(json_array_get(trace, i - 1), "train_s") : 0;
	}
	return NAN;
}

/* The medians over c's repetitions of the time to each target and of its resolution. */
static void cfg_times(rp_cfg *c, size_t nt)
{
	for (size_t k = 0; k < nt && k < RP_MAXTARGET; k++) {
		double v[RP_MAXREP], res[RP_MAXREP];
		int nres = 0;
		for (int q = 0; q < c->n; q++) {
			json_t *tt = json_array_get(json_object_get(json_object_get(c->runs[q], "summary"), "time_to_target"), k);
			json_t *s = json_object_get(tt, "train_s");
			v[q] = json_is_number(s) ? json_number_value(s) : INFINITY;
			double r = json_is_number(s) ? resolution(c->runs[q], rp_num(tt, "target")) : NAN;
			if (isfinite(r))
				res[nres++] = r;
		}
		c->t[k] = gd_median(v, (size_t)c->n);
		c->res[k] = nres ? gd_median(res, (size_t)nres) : NAN;
	}
}

/* Fastest to the first target first, then to the next ones; then by label. */
static int by_time(const void *pa, const void *pb)
{
	const rp_cfg *a = pa, *b = pb;
	for (int k = 0; k < RP_MAXTARGET; k++)
		if (a->t[k] != b->t[k])
			return a->t[k] < b->t[k] ? -1 : 1;
	return strcmp(a->label, b->label);
}

/* The evaluation cadence a run was given ("0.02 s", "100 steps"), from its budget. */
static void cadence(json_t *r, char *buf, size_t len)
{
	json_t *b = json_object_get(r, "budget");
	double s = rp_num(b, "eval_every_seconds"), st = rp_num(b, "eval_every_steps");
	if (s > 0)
		snprintf(buf, len, "%g s", s);
	else if (st > 0)
		snprintf(buf, len, "%g steps", st);
	else
		snprintf(buf, len, "-");
}

/* The summary's line for target k: the fastest configuration, its ratio to the
 * runner-up and to the fastest plain sgd; order[] lists cs fastest to k first. */
static void summary_line(rp_ctx *ctx, const char *problem, const rp_cfg *all, const int *order, int nc, int k,
                         double target)
{
	FILE *s = ctx->sum;
	fprintf(s, "<tr><th>Fastest to loss &le; %g, ", target);
	rp_esc_to(s, problem);
	fputs("</th><td>", s);
	if (!nc || !isfinite(all[order[0]].t[k])) {
		fputs("<span class=nr>no configuration reached it</span></td></tr>\n", s);
		return;
	}
	const rp_cfg *f = &all[order[0]];
	fputs("<b>", s);
	rp_esc_to(s, f->label);
	fprintf(s, "</b> (%s): %.3g s &plusmn;%.2g (evaluation resolution)", f->mode, f->t[k], isfinite(f->res[k]) ? f->res[k] : 0);
	if (nc > 1) {
		const rp_cfg *r = &all[order[1]];
		fputs("; runner-up ", s);
		rp_esc_to(s, r->label);
		if (!isfinite(r->t[k]))
			fputs(" did not reach it", s);
		else {
			double tie = fmax(isfinite(f->res[k]) ? f->res[k] : 0, isfinite(r->res[k]) ? r->res[k] : 0);
			fprintf(s, " (%s) %.2f&times; slower%s", r->mode, r->t[k] / f->t[k],
			        r->t[k] - f->t[k] <= tie * 1.0001 ? ", a tie within one evaluation" : "");
		}
	}
	int sgd = -1; /* the fastest plain sgd's place in order */
	for (int i = 0; i < nc && sgd < 0; i++)
		if (!strcmp(all[order[i]].rule, "sgd"))
			sgd = i;
	if (sgd == 0)
		fputs("; the fastest is plain sgd", s);
	else if (sgd == 1)
		fputs("; the runner-up is plain sgd", s);
	else if (sgd > 1) {
		fputs("; sgd (", s);
		rp_esc_to(s, all[order[sgd]].label);
		if (isfinite(all[order[sgd]].t[k]))
			fprintf(s, ", %s) %.2f&times; slower", all[order[sgd]].mode, all[order[sgd]].t[k] / f->t[k]);
		else
			fprintf(s, ", %s) did not reach it", all[order[sgd]].mode);
	}
	fputs("</td></tr>\n", s);
}

/* A table cell with a bar of length x / max and its text. */
static void bar_cell(rp_ctx *ctx, double x, double max, const char *color, const char *text)
{
	fprintf(ctx->html, "<td class=bar><span class=b style=\"width:%.2fem;background:%s\"></span>%s</td>",
	        max > 0 && isfinite(x) ? 6 * x / max : 0.0, color, text);
}

void rp_ttt_section(rp_ctx *ctx, const char *problem, rp_cfg *cs, int nc, json_t *targets)
{
	size_t nt = json_array_size(targets);
	if (nt > RP_MAXTARGET)
		nt = RP_MAXTARGET;
	for (int i = 0; i < nc; i++) {
		for (int k = 0; k < RP_MAXTARGET; k++)
			cs[i].t[k] = cs[i].res[k] = INFINITY;
		cfg_times(&cs[i], nt);
	}
	int *order = malloc((size_t)(nc ? nc : 1) * sizeof(int));
	for (size_t k = 0; k < nt && order; k++) {
		for (int i = 0; i < nc; i++) /* insertion sort by target k, then label */
			for (int j = i; j >= 0; j--) {
				if (j == 0 || cs[order[j - 1]].t[k] < cs[i].t[k] ||
				    (cs[order[j - 1]].t[k] == cs[i].t[k] && strcmp(cs[order[j - 1]].label, cs[i].label) <= 0)) {
					memmove(order + j + 1, order + j, (size_t)(i - j) * sizeof(int));
					order[j] = i;
					break;
				}
			}
		summary_line(ctx, problem, cs, order, nc, (int)k, json_number_value(json_array_get(targets, k)));
	}
	free(order);
	qsort(cs, (size_t)nc, sizeof(rp_cfg), by_time);
	double tmax[RP_MAXTARGET] = { 0 };
	for (int i = 0; i < nc; i++)
		for (size_t k = 0; k < nt; k++)
			if (isfinite(cs[i].t[k]) && cs[i].t[k] > tmax[k])
				tmax[k] = cs[i].t[k];
	fprintf(ctx->html, "<h3>%s: ", nt ? "Time to target" : "Summary");
	rp_esc(ctx, problem);
	fputs("</h3>\n", ctx->html);
	if (nt)
		fputs("<p class=note>Training seconds (evaluation excluded) to the first evaluation at or under the "
		      "target, median over seeds [min, max]; &plusmn; is the resolution, the training time since the "
		      "evaluation before (the cadence in <i>eval. every</i>). Fastest first.</p>\n", ctx->html);
	fputs("<table class=ttt><tr><th>optimizer</th><th>mode</th><th>runs</th><th>eval. every</th>", ctx->html);
	for (size_t k = 0; k < nt; k++)
		fprintf(ctx->html, "<th>loss &le; %g (s)</th>", json_number_value(json_array_get(targets, k)));
	fputs("<th>final loss</th><th>test acc.</th><th>samples/s</th><th>stop</th></tr>\n", ctx->html);
	for (int i = 0; i < nc; i++) {
		rp_cfg *c = &cs[i];
		char cad[32];
		cadence(c->runs[0], cad, sizeof(cad));
		fprintf(ctx->html, "<tr><td><span class=sw style=\"background:%s\"></span>", rp_color(ctx, c->opt));
		rp_esc(ctx, c->label);
		fputs("</td><td>", ctx->html);
		rp_esc(ctx, c->mode);
		fprintf(ctx->html, "</td><td>%d</td><td>%s</td>", c->n, cad);
		for (size_t k = 0; k < nt; k++) {
			double v[RP_MAXREP], lo = INFINITY, hi = -INFINITY;
			int reached = 0;
			for (int q = 0; q < c->n; q++) {
				json_t *t = json_array_get(json_object_get(json_object_get(c->runs[q], "summary"), "time_to_target"), k);
				json_t *s = json_object_get(t, "train_s");
				v[q] = json_is_number(s) ? json_number_value(s) : INFINITY;
				reached += json_is_number(s);
				lo = v[q] < lo ? v[q] : lo, hi = v[q] > hi ? v[q] : hi;
			}
			char text[160];
			if (!isfinite(c->t[k])) {
				fprintf(ctx->html, "<td class=nr>not reached%s</td>", reached ? " (median)" : "");
				continue;
			}
			int n = snprintf(text, sizeof(text), "%.3g &plusmn;%.2g", c->t[k], isfinite(c->res[k]) ? c->res[k] : 0);
			if (c->n > 1 && isfinite(hi))
				snprintf(text + n, sizeof(text) - (size_t)n, " [%.3g, %.3g]", lo, hi);
			else if (c->n > 1)
				snprintf(text + n, sizeof(text) - (size_t)n, " [%.3g, not reached]", lo);
			bar_cell(ctx, c->t[k], tmax[k], rp_color(ctx, c->opt), text);
		}
		json_t *last = c->runs[c->n - 1], *sm = json_object_get(last, "summary");
		json_t *tr = json_object_get(last, "trace");
		double acc = rp_num(json_array_get(tr, json_array_size(tr) - 1), "test_accuracy"), fl = rp_num(sm, "final_loss");
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
	}
	fputs("</table>\n", ctx->html);
}
