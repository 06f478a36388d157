/* E-Divisive with means and a permutation test (edivisive.h). */
#include "edivisive.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "rng.h"
#include "stats.h"

gd_ediv_opts gd_ediv_defaults(void)
{
	return (gd_ediv_opts){ .min_seg = 3, .alpha = 0.01, .perms = 499, .seed = 1 };
}

/* O(n^2): tau walks left to right; z[tau] leaves Y for X, and the three sums move by its
 * distances to the values left (dx) and right (dy) of it. */
double gd_ediv_best_split(const double *z, size_t n, size_t min_seg, size_t *tau)
{
	double cross = 0, xs = 0, ys = 0, best = -INFINITY;
	*tau = 0;
	if (min_seg < 2 || n < 2 * min_seg)
		return best;
	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n; j++)
			ys += fabs(z[i] - z[j]);
	for (size_t t = 1; t + min_seg <= n; t++) {
		double v = z[t - 1], dx = 0, dy = 0;
		for (size_t i = 0; i + 1 < t; i++)
			dx += fabs(z[i] - v);
		for (size_t j = t; j < n; j++)
			dy += fabs(v - z[j]);
		xs += dx;
		ys -= dy;
		cross += dy - dx;
		if (t < min_seg)
			continue;
		double m = (double)t, k = (double)(n - t);
		double q = m * k / (m + k) * (2.0 * cross / (m * k) - xs / (m * (m - 1) / 2) - ys / (k * (k - 1) / 2));
		if (q > best) {
			best = q;
			*tau = t;
		}
	}
	return best;
}

/* p-value of a segment's best split: its values shuffled perms times (stream = test number) */
static double permutation_p(const double *z, size_t n, double q, const gd_ediv_opts *o, uint64_t test, double *buf)
{
	size_t ge = 0, tau;
	uint64_t draw = 0;
	memcpy(buf, z, n * sizeof(*buf));
	for (unsigned r = 0; r < o->perms; r++) {
		for (size_t i = n - 1; i > 0; i--) { /* Fisher-Yates */
			size_t j = (size_t)(gd_rng_u64(o->seed, test, draw++) % (i + 1));
			double t = buf[i];
			buf[i] = buf[j];
			buf[j] = t;
		}
		if (gd_ediv_best_split(buf, n, o->min_seg, &tau) >= q)
			ge++;
	}
	return (double)(1 + ge) / (double)(1 + o->perms);
}

int gd_edivisive(const double *z, size_t n, const gd_ediv_opts *o, gd_cp *out, size_t cap)
{
	if (!o || o->min_seg < 2 || !(o->alpha > 0 && o->alpha < 1) || o->perms < 1)
		return -1;
	double *buf = malloc((n ? n : 1) * sizeof(*buf)), *rk = NULL;
	size_t *bound = malloc((cap + 2) * sizeof(*bound)); /* segment edges: 0, change points, n */
	if (!buf || !bound) {
		free(buf);
		free(bound);
		return -1;
	}
	/* an infinite value (a target never reached: +inf) has no distance to the others; the
	 * series is then searched on its ranks, where it sits above every finite value, so the
	 * revisions from which the target stops (or starts) being reached are a step like any other */
	size_t nonfinite = 0;
	for (size_t i = 0; i < n; i++)
		nonfinite += !isfinite(z[i]);
	if (nonfinite) {
		if (!(rk = malloc(n * sizeof(*rk)))) {
			free(buf);
			free(bound);
			return -1;
		}
		gd_ranks(z, n, buf, rk);
		z = rk;
	}
	size_t nb = 2, found = 0;
	bound[0] = 0;
	bound[1] = n;
	while (found < cap) {
		size_t seg = 0, at = 0;
		double best = -INFINITY;
		for (size_t s = 0; s + 1 < nb; s++) {
			size_t tau;
			double q = gd_ediv_best_split(z + bound[s], bound[s + 1] - bound[s], o->min_seg, &tau);
			if (q > best) {
				best = q;
				seg = s;
				at = bound[s] + tau;
			}
		}
		if (best == -INFINITY)
			break;
		double p = permutation_p(z + bound[seg], bound[seg + 1] - bound[seg], best, o, found, buf);
		if (p > o->alpha)
			break;
		memmove(bound + seg + 2, bound + seg + 1, (nb - seg - 1) * sizeof(*bound));
		bound[seg + 1] = at;
		nb++;
		size_t k = found++;
		while (k > 0 && out[k - 1].at > at) { /* keep out[] sorted by position */
			out[k] = out[k - 1];
			k--;
		}
		out[k] = (gd_cp){ .at = at, .q = best, .p = p };
	}
	free(buf);
	free(bound);
	free(rk);
	return (int)found;
}
