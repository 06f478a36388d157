/* What `gdbench run` prints on the terminal: the progress line and the summary table (run_summary.h). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "clock.h"
#include "run_summary.h"

void run_progress_show(void *user, const gd_trace_row *row)
{
	run_progress *p = user;
	if (p->quiet)
		return;
	double eta = NAN;
	if (p->cfg->time_budget > 0)
		eta = p->cfg->time_budget - row->train_s;
	else if (p->cfg->max_epochs > 0 && row->epoch > 0)
		eta = (gd_now() - p->t_start) * ((double)p->cfg->max_epochs / row->epoch - 1);
	fprintf(stderr, "\r\033[K[%d/%d] %s %s T=%d  epoch %.2f  loss %.5g  train %.2fs  ETA %s", p->index, p->total,
	        p->opt, p->mode, p->threads, row->epoch, row->loss, row->train_s, isfinite(eta) ? "" : "?");
	if (isfinite(eta))
		fprintf(stderr, "%.0fs", eta > 0 ? eta : 0);
	fflush(stderr);
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
		snprintf(cell, len, "%.3fs", tm);
	else if (isfinite(th))
		snprintf(cell, len, "%.3fs [%.3f,%.3f]", tm, tl, th);
	else
		snprintf(cell, len, "%.3fs [%.3f,-]", tm, tl);
}

void run_summary_print(const run_done *done, int n, int ntarget)
{
	printf("%-34s %-14s %3s %2s %10s %10s", "optimizer", "mode", "T", "R", "final", "best");
	for (int k = 0; k < ntarget; k++)
		printf("   %-20s", "t(loss <= target)");
	printf(" %12s %7s  %s\n", "samples/s", "epochs", "stop");
	for (int i = 0; i < n;) {
		int j = i;
		while (j < n && j - i < MAX_REPEAT && !strcmp(done[j].opt, done[i].opt) &&
		       !strcmp(done[j].mode, done[i].mode) && done[j].threads == done[i].threads && done[j].o.stop_reason)
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
		double fm = median(fin, nr, &lo, &hi), bm = median(best, nr, &lo, &hi), sm = median(sps, nr, &lo, &hi);
		printf("%-34s %-14s %3d %2d %10.5g %10.5g", g->opt, g->mode, g->threads, nr, fm, bm);
		for (int k = 0; k < ntarget; k++) {
			char cell[64];
			target_cell(g, nr, k, cell, sizeof(cell));
			printf("   %-20s", cell);
		}
		printf(" %12.4g %7.2f  %s\n", sm, done[j - 1].o.epochs, done[j - 1].o.stop_reason);
		i = j;
	}
}
