/* What `gdbench run` prints on the terminal: the progress line and the summary table (run_summary.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "run_summary.h"

/* "45s", "3m05s", "1h02m": an ETA a person reads at a glance. */
static void fmt_eta(double s, char *buf, size_t len)
{
	if (!isfinite(s))
		snprintf(buf, len, "?");
	else if (s < 60)
		snprintf(buf, len, "%.0fs", s > 0 ? s : 0);
	else if (s < 3600)
		snprintf(buf, len, "%dm%02ds", (int)(s / 60), (int)fmod(s, 60));
	else
		snprintf(buf, len, "%dh%02dm", (int)(s / 3600), (int)fmod(s / 60, 60));
}

/* Wall seconds left in the whole command, or NAN while nothing says yet. */
static double eta_wall(const run_progress *p, const gd_trace_row *row, double now)
{
	const gd_run_cfg *c = p->cfg;
	double wall = now - p->t_start, left = NAN;
	/* this run: its budget left, at the wall-to-training ratio so far (evaluations included) */
	if (c->time_budget > 0 && row->train_s > 0)
		left = (c->time_budget - row->train_s) * wall / row->train_s;
	if (c->max_epochs > 0 && row->epoch > 0) {
		double by_epochs = wall * ((double)c->max_epochs / row->epoch - 1);
		left = isfinite(left) && left < by_epochs ? left : by_epochs;
	}
	if (!isfinite(left))
		return NAN;
	left = left > 0 ? left : 0;
	double per_run = p->ndone ? p->wall_done / p->ndone : wall + left;
	return left + (p->total - p->index) * per_run;
}

void run_progress_show(void *user, const gd_trace_row *row)
{
	run_progress *p = user;
	if (p->kind == RUN_PROGRESS_OFF)
		return;
	double now = gd_now();
	if (p->kind == RUN_PROGRESS_LINES && now - p->last_line < p->period)
		return;
	char eta[32];
	fmt_eta(eta_wall(p, row, now), eta, sizeof(eta));
	if (p->kind == RUN_PROGRESS_INPLACE) {
		fprintf(stderr, "\r\033[K[%d/%d] %s %s T=%d  epoch %.2f  loss %.5g  train %.2fs  ETA %s", p->index, p->total,
		        p->opt, p->mode, p->threads, row->epoch, row->loss, row->train_s, eta);
	} else {
		fprintf(stderr, "gdbench %s: [%d/%d] %s %s T=%d: epoch %.2f, loss %.5g, train %.2fs, wall %.1fs; ETA %s\n",
		        p->me, p->index, p->total, p->opt, p->mode, p->threads, row->epoch, row->loss, row->train_s,
		        now - p->t_start, eta);
		p->last_line = now;
	}
	fflush(stderr);
}

void run_progress_end(run_progress *p)
{
	if (p->kind == RUN_PROGRESS_INPLACE)
		fputs("\r\033[K", stderr);
	p->wall_done += gd_now() - p->t_start;
	p->ndone++;
}

enum { MAX_REPEAT = 1000 }; /* --repeat's limit: the most runs in one line */

/* The median of x[0..n) (n >= 1), and its min and max in *lo, *hi. */
static double median(const double *x, int n, double *lo, double *hi)
{
	double v[MAX_REPEAT];
	for (int c = 0; c < n; c++) { /* insertion sort */
		int p = c;
		while (p > 0 && v[p - 1] > x[c]) {
			v[p] = v[p - 1];
			p--;
		}
		v[p] = x[c];
	}
	*lo = v[0];
	*hi = v[n - 1];
	return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

/* The time-to-target cell of target k over runs g[0..nr). */
static void target_cell(const run_done *g, int nr, int k, char *cell, size_t len)
{
	double x[MAX_REPEAT], tl, th;
	int reached = 0;
	for (int q = 0; q < nr; q++) {
		reached += g[q].o.time_to_target[k] >= 0;
		/* not reached counts as +inf, so a median can say "not reached" */
		x[q] = g[q].o.time_to_target[k] >= 0 ? g[q].o.time_to_target[k] : INFINITY;
	}
	double tm = median(x, nr, &tl, &th);
	if (!isfinite(tm))
		snprintf(cell, len, "not reached%s", reached ? " (some)" : "");
	else if (nr == 1)
		snprintf(cell, len, "%.4gs", tm);
	else if (isfinite(th))
		snprintf(cell, len, "%.4gs [%.4g,%.4g]", tm, tl, th);
	else
		snprintf(cell, len, "%.4gs [%.4g,-]", tm, tl);
}

/* The table: fixed columns, then one per target, then the rest. */
enum { C_OPT, C_UPD, C_T, C_R, C_FINAL, C_BEST, C_TARGET0, NCOL = C_TARGET0 + GD_MAX_TARGETS + 3 };
typedef struct line {
	int first;        /* index into done of the line's first run */
	char cell[NCOL][112];
} line;

/* "adam/simd/avx2" without the rule: "simd/avx2"; L-BFGS and Newton have their library. */
static const char *upd_variant(const run_done *d)
{
	if (!d->upd)
		return "-";
	const char *s = strchr(d->upd, '/');
	return s ? s + 1 : d->upd;
}

static int same_group(const run_done *a, const run_done *b)
{
	return !strcmp(a->mode, b->mode) && a->grad == b->grad;
}

/* What the cadence was, for the header: auto shows the range of the periods it chose. */
static void cadence_text(const run_done *done, int n, const run_table *t, char *buf, size_t len)
{
	if (strcmp(t->eval_every, "auto")) { /* as given: epoch, 100steps, 0.5s */
		const char *e = t->eval_every;
		size_t el = strlen(e);
		if (el > 5 && !strcmp(e + el - 5, "steps"))
			snprintf(buf, len, "every %.*s steps", (int)(el - 5), e);
		else
			snprintf(buf, len, "every %s%s", e, strcmp(e, "epoch") ? " of training" : "");
		return;
	}
	double lo = INFINITY, hi = 0;
	for (int i = 0; i < n; i++)
		if (done[i].o.stop_reason && done[i].o.eval_period_s > 0) {
			lo = fmin(lo, done[i].o.eval_period_s);
			hi = fmax(hi, done[i].o.eval_period_s);
		}
	/* the bounds train_next_eval (harness/train_trace.c) keeps */
	const char *why = "evaluations ~20% of training time, at least 20 over the budget";
	if (!(hi > 0))
		snprintf(buf, len, "auto (%s)", why);
	else if (hi < 1.05 * lo)
		snprintf(buf, len, "auto, every %.3gs of training (%s)", hi, why);
	else
		snprintf(buf, len, "auto, every %.3g-%.3gs of training (%s)", lo, hi, why);
}

/* Text columns to the left, numbers to the right, two spaces apart; the last one unpadded. */
static void print_cell(int c, int ncol, int width, const char *text)
{
	if (c == ncol - 1)
		printf("  %s", text);
	else if (c == 0)
		printf("%-*s", width, text);
	else
		printf(c == C_UPD ? "  %-*s" : "  %*s", width, text);
}

void run_summary_print(const run_done *done, int n, const run_table *t)
{
	int ntarget = t->ntarget, ncol = C_TARGET0 + ntarget + 3;
	line *L = calloc((size_t)n + 1, sizeof(line));
	if (!L)
		return;
	static const char *const fixed[] = { "optimizer", "update", "T", "R", "final", "best" };
	static const char *const tail[] = { "samples/s", "epochs", "stop" };
	for (int c = 0; c < C_TARGET0; c++)
		snprintf(L[0].cell[c], sizeof(L[0].cell[c]), "%s", fixed[c]);
	for (int k = 0; k < ntarget; k++)
		snprintf(L[0].cell[C_TARGET0 + k], sizeof(L[0].cell[0]), "t(<=%g)", t->targets[k]);
	for (int c = 0; c < 3; c++)
		snprintf(L[0].cell[C_TARGET0 + ntarget + c], sizeof(L[0].cell[0]), "%s", tail[c]);
	int nl = 1;
	for (int i = 0; i < n;) {
		int j = i;
		while (j < n && j - i < MAX_REPEAT && !strcmp(done[j].opt, done[i].opt) && same_group(&done[j], &done[i]) &&
		       done[j].threads == done[i].threads && done[j].o.stop_reason)
			j++;
		int nr = j - i;
		if (nr == 0) {
			i++;
			continue;
		}
		const run_done *g = &done[i];
		double fin[MAX_REPEAT], best[MAX_REPEAT], sps[MAX_REPEAT], lo, hi;
		for (int q = 0; q < nr; q++) {
			const gd_run_out *o = &g[q].o;
			fin[q] = o->final_loss;
			best[q] = o->best_loss;
			sps[q] = o->t_train > 0 ? (double)o->samples / o->t_train : 0;
		}
		line *l = &L[nl++];
		l->first = i;
		snprintf(l->cell[C_OPT], sizeof(l->cell[0]), "%s", g->opt);
		snprintf(l->cell[C_UPD], sizeof(l->cell[0]), "%s", upd_variant(g));
		snprintf(l->cell[C_T], sizeof(l->cell[0]), "%d", g->threads);
		snprintf(l->cell[C_R], sizeof(l->cell[0]), "%d", nr);
		snprintf(l->cell[C_FINAL], sizeof(l->cell[0]), "%.5g", median(fin, nr, &lo, &hi));
		snprintf(l->cell[C_BEST], sizeof(l->cell[0]), "%.5g", median(best, nr, &lo, &hi));
		for (int k = 0; k < ntarget; k++)
			target_cell(g, nr, k, l->cell[C_TARGET0 + k], sizeof(l->cell[0]));
		snprintf(l->cell[C_TARGET0 + ntarget], sizeof(l->cell[0]), "%.4g", median(sps, nr, &lo, &hi));
		snprintf(l->cell[C_TARGET0 + ntarget + 1], sizeof(l->cell[0]), "%.2f", done[j - 1].o.epochs);
		snprintf(l->cell[C_TARGET0 + ntarget + 2], sizeof(l->cell[0]), "%s", done[j - 1].o.stop_reason);
		i = j;
	}
	int w[NCOL] = { 0 };
	for (int r = 0; r < nl; r++)
		for (int c = 0; c < ncol; c++) {
			int len = (int)strlen(L[r].cell[c]);
			w[c] = len > w[c] ? len : w[c];
		}
	char cad[160];
	cadence_text(done, n, t, cad, sizeof(cad));
	printf("\ntargets (training loss): ");
	for (int k = 0; k < ntarget; k++)
		printf("%s%g", k ? ", " : "", t->targets[k]);
	if (ntarget)
		printf("; t(<=X): training seconds (evaluations excluded) to the first evaluation at or below X\n"
		       "evaluations: %s; a time to target is resolved to that cadence\n", cad);
	else
		printf("none (--target LIST times them)\nevaluations: %s\n", cad);
	/* groups in the order they first ran; the loop runs optimizers outside modes */
	for (int r = 1; r < nl; r++) {
		const run_done *g = &done[L[r].first];
		int seen = 0;
		for (int q = 1; q < r && !seen; q++)
			seen = same_group(&done[L[q].first], g);
		if (seen)
			continue;
		int scalar = g->grad && strstr(g->grad, "/scalar");
		printf("\n== %s on %s | mode %s | ISA %s | gradient kernel %s%s\n", t->model, t->dataset, g->mode, t->isa,
		       g->grad ? g->grad : "?", scalar ? " (SCALAR: the portable reference, not the SIMD path)" : "");
		for (int c = 0; c < ncol; c++)
			print_cell(c, ncol, w[c], L[0].cell[c]);
		putchar('\n');
		for (int q = r; q < nl; q++) {
			if (!same_group(&done[L[q].first], g))
				continue;
			for (int c = 0; c < ncol; c++)
				print_cell(c, ncol, w[c], L[q].cell[c]);
			putchar('\n');
		}
	}
	free(L);
}
