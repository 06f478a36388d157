/* Global-norm gradient clipping: the norm in double, the factor as torch computes it. */
#include <math.h>

#include "clip.h"

double gd_grad_norm(const float *g, size_t n)
{
	double s = 0;
	for (size_t i = 0; i < n; i++)
		s += (double)g[i] * (double)g[i];
	return sqrt(s);
}

double gd_clip_scale(double norm, double max_norm)
{
	if (!(max_norm > 0) || norm <= max_norm)
		return 1.0;
	return max_norm / (norm + 1e-6);
}
