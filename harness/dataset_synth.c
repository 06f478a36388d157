/* Deterministic synthetic problems: regression with a chosen condition number, Gaussian blobs. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dataset_priv.h"
#include "gd_error.h"
#include "rng.h"

int gd_synth_regression(size_t n, size_t d, double kappa, double noise, uint64_t seed, gd_dataset *out,
                        float *w_star)
{
	memset(out, 0, sizeof(*out));
	if (!(kappa >= 1) || !(noise >= 0) || n == 0 || d == 0)
		return GD_EINVAL;
	if (gd__data_check_size(n, d, 0, NULL, NULL))
		return GD_ENOMEM;
	if (gd__data_alloc(out, n, d, 1))
		return GD_ENOMEM;
	float *w = malloc((d + 1) * sizeof(float)), *sd = malloc(d * sizeof(float));
	if (!w || !sd) {
		free(w);
		free(sd);
		gd_dataset_free(out);
		return GD_ENOMEM;
	}
	/* streams: 0 weights, 1 features, 2 noise */
	for (size_t j = 0; j <= d; j++)
		w[j] = (float)gd_rng_normal(seed, 0, j);
	for (size_t j = 0; j < d; j++) /* variances log-spaced in [1, kappa] */
		sd[j] = (float)sqrt(d > 1 ? pow(kappa, (double)j / (double)(d - 1)) : 1.0);
	for (size_t i = 0; i < n; i++) {
		double t = w[d];
		for (size_t j = 0; j < d; j++) {
			float v = sd[j] * (float)gd_rng_normal(seed, 1, i * d + j);
			out->x[i * d + j] = v;
			t += (double)v * w[j];
		}
		out->y[i] = (float)(t + noise * gd_rng_normal(seed, 2, i));
	}
	if (w_star)
		memcpy(w_star, w, (d + 1) * sizeof(float));
	free(w);
	free(sd);
	snprintf(out->name, sizeof(out->name), "synth-regression");
	return 0;
}

int gd_synth_blobs(size_t n, size_t d, size_t c, double spread, uint64_t seed, gd_dataset *out)
{
	memset(out, 0, sizeof(*out));
	if (n == 0 || d == 0 || c < 2 || !(spread >= 0))
		return GD_EINVAL;
	if (gd__data_check_size(n, d, 0, NULL, NULL))
		return GD_ENOMEM;
	if (gd__data_alloc(out, n, d, 0))
		return GD_ENOMEM;
	/* streams: 0 centers, 1 labels, 2 points */
	for (size_t i = 0; i < n; i++) {
		size_t k = gd_rng_u64(seed, 1, i) % c;
		out->label[i] = (int32_t)k;
		for (size_t j = 0; j < d; j++) {
			double center = spread * (2 * gd_rng_uniform(seed, 0, k * d + j) - 1);
			out->x[i * d + j] = (float)(center + gd_rng_normal(seed, 2, i * d + j));
		}
	}
	out->c = c;
	snprintf(out->name, sizeof(out->name), "synth-blobs");
	return 0;
}
