/* Picking the best setting of a learning-rate (hyperparameter) grid, as `gdbench tune` does. */
#ifndef GD_TUNE_H
#define GD_TUNE_H
#include <stddef.h>

typedef enum { GD_TUNE_TIME, GD_TUNE_LOSS } gd_tune_criterion;

typedef struct gd_tune_result {
	double time_to_target; /* training seconds to the first target; INFINITY if not reached */
	double final_loss;     /* NAN allowed */
	int diverged;
} gd_tune_result;

/*
 * The index of the best of n grid results, or -1 when n is 0.
 * GD_TUNE_TIME: the shortest time to target; not reached and diverged rank
 * last; ties (equal times, e.g. at the evaluation cadence) go to the lower
 * final loss, then to the earlier entry. GD_TUNE_LOSS: the lowest final loss
 * at the budget; diverged and NaN rank last; ties to the earlier entry.
 */
int gd_tune_pick(const gd_tune_result *r, size_t n, gd_tune_criterion c);
#endif
