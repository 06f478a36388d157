/*
 * E-Divisive with means (Matteson and James 2014, "A nonparametric approach for
 * multiple change point analysis of multivariate data"), as MongoDB's
 * signal-processing library and Apache Otava use it on performance series.
 *
 * For a split of z[0..L) into X = z[0..tau) and Y = z[tau..L) (m and n values):
 *   Q(tau) = m n / (m + n) * ( 2/(m n) sum|x-y| - sum_{i<k}|x_i-x_k| / C(m,2) - sum_{j<k}|y_j-y_k| / C(n,2) )
 * (the energy distance with exponent 1, scaled by the segment sizes). Bisection: the
 * candidate is the split with the largest Q over every segment between the change
 * points found so far; it is kept when a permutation test says so (the segment's
 * values shuffled, the largest Q recomputed, p = (1 + #{Q_perm >= Q}) / (1 + perms)),
 * and the search stops at the first candidate that is not significant.
 */
#ifndef GD_EDIVISIVE_H
#define GD_EDIVISIVE_H
#include <stddef.h>
#include <stdint.h>

typedef struct gd_ediv_opts {
	size_t min_seg;   /* fewest values on each side of a change point (>= 2) */
	double alpha;     /* a candidate is significant when its p-value is <= alpha */
	unsigned perms;   /* permutations per test (p >= 1 / (perms + 1)) */
	uint64_t seed;    /* the permutations' seed: the same series gives the same answer */
} gd_ediv_opts;

/* The defaults (min_seg 3, alpha 0.01, 499 permutations, seed 1). */
gd_ediv_opts gd_ediv_defaults(void);

typedef struct gd_cp {
	size_t at;        /* index of the first value after the change */
	double q;         /* the candidate's Q */
	double p;         /* its permutation p-value */
} gd_cp;

/* Change points of z[0..n), in increasing order of at, at most cap of them;
 * returns how many (0 when n < 2 min_seg), or -1 on bad options or no memory.
 * z holds no NaN; where it holds an infinity (+inf: a target never reached), the
 * search runs on the ranks of z (ties: mean ranks), +inf above every finite value. */
int gd_edivisive(const double *z, size_t n, const gd_ediv_opts *o, gd_cp *out, size_t cap);

/* The largest Q over splits of z[0..n) leaving >= min_seg values each side; its split in *tau
 * (0 and Q = -INFINITY when there is none). Exposed for the tests. */
double gd_ediv_best_split(const double *z, size_t n, size_t min_seg, size_t *tau);
#endif
