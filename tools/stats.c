/* Mann-Whitney U and Wilcoxon signed-rank (exact by dynamic programming, or normal with tie correction) and Holm's correction. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

void gd_ranks(const double *z, size_t n, double *sorted, double *r)
{
	memcpy(sorted, z, n * sizeof(*z));
	qsort(sorted, n, sizeof(*z), cmp_double);
	for (size_t i = 0; i < n; i++) {
		size_t lo = 0, hi; /* [lo, hi): the run of values equal to z[i] */
		while (lo < n && sorted[lo] < z[i])
			lo++;
		for (hi = lo; hi < n && sorted[hi] == z[i]; hi++)
			;
		r[i] = 0.5 * (double)(lo + 1 + hi);
	}
}

double gd_median(const double *x, size_t n)
{
	if (n == 0)
		return NAN;
	double *s = malloc(n * sizeof(double));
	if (!s)
		return NAN;
	memcpy(s, x, n * sizeof(double));
	qsort(s, n, sizeof(double), cmp_double);
	double m = n % 2 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
	free(s);
	return m;
}

double gd_mwu_min_p(size_t na, size_t nb)
{
	/* C(na + nb, na) in double (exact well past the sizes used here) */
	double c = 1;
	for (size_t i = 1; i <= na; i++)
		c = c * (double)(nb + i) / (double)i;
	double p = 2.0 / c;
	return p < 1 ? p : 1;
}

/* P(U <= u) under the null for sizes (m, n), no ties: counts of
 * arrangements by the recursion N(m, n, u) = N(m-1, n, u-n) + N(m, n-1, u). */
static double exact_cdf(size_t m, size_t n, double u)
{
	size_t umax = m * n;
	/* f[j][k]: number of arrangements of j a's and the n b's with U = k, built up over j */
	double *prev = calloc((umax + 1) * (n + 1), sizeof(double));
	double *cur = calloc((umax + 1) * (n + 1), sizeof(double));
	if (!prev || !cur) {
		free(prev);
		free(cur);
		return NAN;
	}
	/* j = 0: U = 0 for every count of b's */
	for (size_t k = 0; k <= n; k++)
		prev[k * (umax + 1) + 0] = 1;
	for (size_t j = 1; j <= m; j++) {
		memset(cur, 0, (umax + 1) * (n + 1) * sizeof(double));
		for (size_t k = 0; k <= n; k++) {
			for (size_t v = 0; v <= j * k; v++) {
				/* the largest element is an a (it beats all k b's) or a b */
				double x = 0;
				if (v >= k)
					x += prev[k * (umax + 1) + (v - k)];
				if (k > 0)
					x += cur[(k - 1) * (umax + 1) + v];
				cur[k * (umax + 1) + v] = x;
			}
		}
		double *t = prev;
		prev = cur;
		cur = t;
	}
	double total = 0, below = 0;
	for (size_t v = 0; v <= umax; v++) {
		double c = prev[n * (umax + 1) + v];
		total += c;
		if ((double)v <= u + 1e-9)
			below += c;
	}
	free(prev);
	free(cur);
	return below / total;
}

gd_mwu gd_mann_whitney(const double *a, size_t na, const double *b, size_t nb)
{
	gd_mwu r = { 0, 1, 0 };
	if (na == 0 || nb == 0)
		return r;
	double u = 0;
	int ties = 0;
	for (size_t i = 0; i < na; i++)
		for (size_t j = 0; j < nb; j++) {
			if (a[i] > b[j])
				u += 1;
			else if (a[i] == b[j])
				u += 0.5, ties = 1;
		}
	/* ties within a sample matter for the variance too */
	size_t n = na + nb;
	double *all = malloc(n * sizeof(double));
	if (!all) {
		r.p = NAN;
		return r;
	}
	memcpy(all, a, na * sizeof(double));
	memcpy(all + na, b, nb * sizeof(double));
	qsort(all, n, sizeof(double), cmp_double);
	double tie_sum = 0;
	for (size_t i = 0; i < n;) {
		size_t j = i;
		while (j < n && all[j] == all[i])
			j++;
		double t = (double)(j - i);
		if (t > 1)
			ties = 1;
		tie_sum += t * t * t - t;
		i = j;
	}
	free(all);
	r.u = u;
	double mean = (double)na * (double)nb / 2;
	if (!ties && na <= 50 && nb <= 50) {
		/* two-sided: twice the smaller tail, by symmetry of the null distribution */
		double lo = u <= mean ? u : (double)na * (double)nb - u;
		double p = 2 * exact_cdf(na, nb, lo);
		r.p = p < 1 ? p : 1;
		r.exact = 1;
		return r;
	}
	double nn = (double)n;
	double var = (double)na * (double)nb / 12.0 * ((nn + 1) - tie_sum / (nn * (nn - 1)));
	if (!(var > 0)) {
		r.p = 1;
		return r;
	}
	double z = (fabs(u - mean) - 0.5) / sqrt(var); /* continuity correction */
	if (z < 0)
		z = 0;
	r.p = erfc(z / sqrt(2.0));
	return r;
}

void gd_holm(double *p, size_t n)
{
	size_t *idx = malloc(n * sizeof(size_t));
	double *adj = malloc(n * sizeof(double));
	if (!idx || !adj) {
		free(idx);
		free(adj);
		return;
	}
	for (size_t i = 0; i < n; i++)
		idx[i] = i;
	/* sort indices by p ascending (insertion sort: n is small) */
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && p[idx[j - 1]] > p[idx[j]]; j--) {
			size_t t = idx[j];
			idx[j] = idx[j - 1];
			idx[j - 1] = t;
		}
	double run = 0;
	for (size_t k = 0; k < n; k++) {
		double v = (double)(n - k) * p[idx[k]];
		run = v > run ? v : run; /* adjusted p-values are monotone */
		adj[idx[k]] = run < 1 ? run : 1;
	}
	memcpy(p, adj, n * sizeof(double));
	free(idx);
	free(adj);
}

void gd_perf_ratios(const double *t, size_t ns, size_t np, double *ratio)
{
	for (size_t p = 0; p < np; p++) {
		double best = INFINITY;
		for (size_t s = 0; s < ns; s++)
			if (t[s * np + p] < best)
				best = t[s * np + p];
		for (size_t s = 0; s < ns; s++) {
			double x = t[s * np + p];
			ratio[s * np + p] = isfinite(x) && isfinite(best) && best > 0 ? x / best : INFINITY;
		}
	}
}

double gd_perf_profile(const double *ratio, size_t ns, size_t np, size_t s, double tau)
{
	(void)ns;
	if (np == 0)
		return NAN;
	size_t k = 0;
	for (size_t p = 0; p < np; p++)
		k += ratio[s * np + p] <= tau;
	return (double)k / (double)np;
}

double gd_wsr_min_p(size_t n)
{
	/* only the all-positive and all-negative sign patterns are as extreme: 2 / 2^n */
	double p = 2.0;
	for (size_t i = 0; i < n; i++)
		p /= 2;
	return p < 1 ? p : 1;
}

gd_wsr gd_wilcoxon_signed_rank(const double *d, size_t n)
{
	gd_wsr r = { 0, 1, 0, 0 };
	/* zero differences carry no sign: dropped (Wilcoxon's convention) */
	size_t m = 0;
	double *a = malloc((n ? n : 1) * sizeof(double));
	if (!a) {
		r.p = NAN;
		return r;
	}
	for (size_t i = 0; i < n; i++)
		if (d[i] != 0 && !isnan(d[i]))
			a[m++] = d[i];
	r.n = m;
	if (m == 0) {
		free(a);
		return r;
	}
	/* ranks of |d| (ties: the mean of the ranks they span); W+ sums the positive ones */
	double *s = malloc(3 * m * sizeof(double));
	if (!s) {
		free(a);
		r.p = NAN;
		return r;
	}
	double *absd = s + m, *rank = s + 2 * m, wplus = 0, tie_sum = 0;
	for (size_t i = 0; i < m; i++)
		absd[i] = fabs(a[i]);
	gd_ranks(absd, m, s, rank);
	for (size_t i = 0; i < m; i++)
		wplus += a[i] > 0 ? rank[i] : 0;
	int ties = 0;
	for (size_t i = 0, j; i < m; i = j) { /* s is sorted now: the tie groups are its runs */
		for (j = i; j < m && s[j] == s[i]; j++)
			;
		double t = (double)(j - i);
		if (t > 1)
			ties = 1, tie_sum += t * t * t - t;
	}
	free(s);
	free(a);
	r.w = wplus;
	double nn = (double)m, total = nn * (nn + 1) / 2, lo = wplus < total - wplus ? wplus : total - wplus;
	if (!ties && m <= 50) {
		/* c[w]: subsets of the ranks 1..m summing to w, over all 2^m sign patterns */
		size_t wmax = m * (m + 1) / 2;
		double *c = calloc(wmax + 1, sizeof(double));
		if (!c) {
			r.p = NAN;
			return r;
		}
		c[0] = 1;
		for (size_t k = 1; k <= m; k++)
			for (size_t w = wmax; w >= k; w--)
				c[w] += c[w - k];
		double below = 0, all = 0;
		for (size_t w = 0; w <= wmax; w++) {
			all += c[w];
			if ((double)w <= lo + 1e-9)
				below += c[w];
		}
		free(c);
		double p = 2 * below / all;
		r.p = p < 1 ? p : 1;
		r.exact = 1;
		return r;
	}
	double var = nn * (nn + 1) * (2 * nn + 1) / 24 - tie_sum / 48;
	if (!(var > 0))
		return r;
	double z = (fabs(wplus - total / 2) - 0.5) / sqrt(var); /* continuity correction */
	r.p = erfc((z > 0 ? z : 0) / sqrt(2.0));
	return r;
}
