/* Statistics for the comparison gate: medians, the Mann-Whitney U and Wilcoxon signed-rank tests, Holm-Bonferroni. */
#ifndef GD_STATS_H
#define GD_STATS_H
#include <stddef.h>

double gd_median(const double *x, size_t n);

typedef struct gd_mwu {
	double u;       /* U of the first sample: pairs (a, b) with a > b, ties counting 1/2 */
	double p;       /* two-sided p-value */
	int exact;      /* 1: exact null distribution (no ties, small samples); 0: normal approximation */
} gd_mwu;

/* Two-sided Mann-Whitney U test of a[0..na) against b[0..nb). Exact for
 * na, nb <= 50 without ties; otherwise the normal approximation with
 * continuity and tie corrections. */
gd_mwu gd_mann_whitney(const double *a, size_t na, const double *b, size_t nb);

/* The smallest two-sided p-value the exact test can give for these sample
 * sizes: 2 / C(na + nb, na). Below alpha, or the comparison cannot decide. */
double gd_mwu_min_p(size_t na, size_t nb);

/* Holm-Bonferroni: adjusted p-values (in place, same order), so that
 * "adjusted p < alpha" controls the family-wise error rate at alpha. */
void gd_holm(double *p, size_t n);

/* r[i]: the rank of z[i] among z[0..n) (1 = smallest; ties: the mean of the
 * ranks they span); sorted: room for n values, left holding z sorted. The
 * three arrays must not overlap. */
void gd_ranks(const double *z, size_t n, double *sorted, double *r);

typedef struct gd_wsr {
	double w;  /* W+: the sum of the ranks of |d| over the positive d (ties: mean ranks) */
	double p;  /* two-sided p-value */
	int exact; /* 1: exact null distribution (no ties, n <= 50); 0: normal approximation */
	size_t n;  /* differences used: the nonzero ones */
} gd_wsr;

/* Two-sided Wilcoxon signed-rank test that the differences d[0..n) are
 * symmetric about 0 (paired samples: d = a paired log ratio each). Zeros are
 * dropped; exact over the 2^n sign patterns for n <= 50 without ties,
 * otherwise the normal approximation with continuity and tie corrections. */
gd_wsr gd_wilcoxon_signed_rank(const double *d, size_t n);

/* The smallest two-sided p-value the exact test can give for n pairs: 2 / 2^n. */
double gd_wsr_min_p(size_t n);
/*
 * Performance profiles (Dolan and More; AlgoPerf scores submissions this
 * way). t[s * np + p] is solver s's time on problem p (INFINITY: not solved).
 * gd_perf_ratios writes ratio[s * np + p] = t / (fastest time on p), INFINITY
 * where s failed or nobody solved p; gd_perf_profile gives rho_s(tau), the
 * fraction of problems s solves within tau times the fastest.
 */
void gd_perf_ratios(const double *t, size_t ns, size_t np, double *ratio);
double gd_perf_profile(const double *ratio, size_t ns, size_t np, size_t s, double tau);
#endif
