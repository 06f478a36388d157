/* gdbench-report: a history database's series over commits, change points marked (report_history.h). */
#include "report_history.h"
#include "report_plot.h"

#include <math.h>
#include <stdio.h>

#include "history_db.h"

int rp_history_check(const char *path)
{
	sqlite3 *db;
	char err[1024];
	if (hdb_open(path, 0, &db, err, sizeof(err))) {
		fprintf(stderr, "gdbench-report: --history %s\n", err);
		return -1;
	}
	sqlite3_close(db);
	return 0;
}

enum { MAX_CP = 64 };

/* one series: medians with min-max bars over the revisions; a dashed line between the two
 * revisions of each change point, labelled with its size */
static void series_figure(rp_ctx *ctx, const hdb_series *s, const gd_cp *cp, int k)
{
	rp_fig f;
	if (rp_fig_begin(ctx, &f, 900, 380))
		return;
	for (size_t i = 0; i < s->n; i++)
		fprintf(f.dat, "%zu %.9g %.9g %.9g %s\n", i, s->pt[i].median, s->pt[i].lo, s->pt[i].hi, s->pt[i].rev);
	for (int j = 0; j < k; j++) {
		size_t at = cp[j].at, from = j ? cp[j - 1].at : 0, to = j + 1 < k ? cp[j + 1].at : s->n;
		double before = hdb_level(s, from, at), after = hdb_level(s, at, to);
		fprintf(f.gp, "set arrow from %g, graph 0 to %g, graph 1 nohead dt 2 lw 1.5 lc rgb '#c00000'\n"
		              "set label '%+.1f%%' at %g, graph 0.95 offset 0.5,0 tc rgb '#c00000'\n",
		        at - 0.5, at - 0.5, 100 * (after - before) / before, at - 0.5);
	}
	char title[1200];
	snprintf(title, sizeof(title), "%s on %s: %s (%s is better) per revision, median and min-max; "
	         "dashed: change points", s->key, s->machine, s->metric, s->higher_better ? "higher" : "lower");
	fputs("set title ", f.gp);
	rp_gq(f.gp, s->key);
	fprintf(f.gp, "\nset xtics rotate by -45 font ',8'\nset xrange [-0.5:%zu.5]\nset ylabel ", s->n - 1);
	rp_gq(f.gp, s->metric);
	fprintf(f.gp, "\nunset key\nplot '%s' using 1:2:3:4:xtic(5) with yerrorbars pt 7 ps 0.5 lc rgb '#1f77b4', "
	              "'' using 1:2 with lines lc rgb '#1f77b4'\n", f.datp);
	rp_fig_end(ctx, &f, title);
}

void rp_history_section(rp_ctx *ctx, const char *path)
{
	sqlite3 *db;
	hdb_series *s = NULL;
	size_t n = 0;
	char err[1024];
	rp_section(ctx, "history", "History over commits");
	if (hdb_open(path, 0, &db, err, sizeof(err)) || hdb_load(db, NULL, NULL, &s, &n, err, sizeof(err))) {
		fprintf(ctx->html, "<p class=err>");
		rp_esc(ctx, err);
		fputs("</p>\n", ctx->html);
		ctx->failed++;
		sqlite3_close(db);
		return;
	}
	sqlite3_close(db);
	gd_ediv_opts o = gd_ediv_defaults();
	fprintf(ctx->html, "<p>%zu series from ", n);
	rp_esc(ctx, path);
	fprintf(ctx->html, "; change points by E-Divisive with means over the per-revision medians (at least %zu "
	                   "revisions each side, permutation test, %u permutations, p &le; %g), as "
	                   "<code>gdbench history changes</code> finds them.</p>\n<table><tr><th>series</th><th>change "
	                   "after</th><th>at</th><th>before</th><th>after</th><th>change</th><th>p</th></tr>",
	        o.min_seg, o.perms, o.alpha);
	/* the table first, then the figures */
	gd_cp(*cps)[MAX_CP] = calloc(n ? n : 1, sizeof(*cps));
	int *ks = calloc(n ? n : 1, sizeof(*ks));
	for (size_t i = 0; cps && ks && i < n; i++) {
		ks[i] = hdb_changes(&s[i], &o, cps[i], MAX_CP);
		for (int j = 0; j < ks[i]; j++) {
			size_t at = cps[i][j].at, from = j ? cps[i][j - 1].at : 0, to = j + 1 < ks[i] ? cps[i][j + 1].at : s[i].n;
			double before = hdb_level(&s[i], from, at), after = hdb_level(&s[i], at, to), c = (after - before) / before;
			int worse = s[i].higher_better ? c < 0 : c > 0;
			fputs("<tr><td>", ctx->html);
			rp_esc(ctx, s[i].key);
			fputs("</td><td>", ctx->html);
			rp_esc(ctx, s[i].pt[at - 1].rev);
			fputs("</td><td>", ctx->html);
			rp_esc(ctx, s[i].pt[at].rev);
			fprintf(ctx->html, "</td><td>%.4g</td><td>%.4g</td><td%s>%+.1f%%</td><td>%.4f</td></tr>", before, after,
			        worse ? " class=nr" : "", 100 * c, cps[i][j].p);
		}
	}
	fputs("</table>\n", ctx->html);
	for (size_t i = 0; cps && ks && i < n; i++)
		if (s[i].n > 0)
			series_figure(ctx, &s[i], cps[i], ks[i] > 0 ? ks[i] : 0);
	free(cps);
	free(ks);
	hdb_series_free(s, n);
}
