/* gd_tune_pick: one stated criterion, failures last, deterministic ties. */
#include <math.h>

#include "tune.h"

/* 1 if a is strictly better than b under c */
static int better(const gd_tune_result *a, const gd_tune_result *b, gd_tune_criterion c)
{
	int fa = !a->diverged && !isnan(a->final_loss), fb = !b->diverged && !isnan(b->final_loss);
	if (fa != fb)
		return fa; /* a finished run beats a diverged one */
	if (!fa)
		return 0;
	if (c == GD_TUNE_TIME) {
		if (a->time_to_target != b->time_to_target)
			return a->time_to_target < b->time_to_target; /* INFINITY (not reached) loses */
	}
	return a->final_loss < b->final_loss;
}

int gd_tune_pick(const gd_tune_result *r, size_t n, gd_tune_criterion c)
{
	if (n == 0)
		return -1;
	size_t best = 0;
	for (size_t i = 1; i < n; i++)
		if (better(&r[i], &r[best], c))
			best = i;
	return (int)best;
}
