/* Finite-difference gradient check (course material, lecture 000): centered differences in double. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gd_error.h"
#include "gradcheck.h"

/* out[o] = bias[o] + W[o,:] . x, in double */
static void affine_d(const double *W, const double *bias, size_t nout, size_t nin, const double *x, double *out)
{
	for (size_t o = 0; o < nout; o++) {
		double s = bias[o];
		for (size_t i = 0; i < nin; i++)
			s += W[o * nin + i] * x[i];
		out[o] = s;
	}
}

static double head_d(const gd_model *m, const double *z, const gd_batch *b, size_t k)
{
	size_t row = gd_batch_row(b, k);
	switch (m->kind) {
	case GD_MODEL_LSQ: {
		double r = z[0] - (double)b->y[row];
		return 0.5 * r * r;
	}
	case GD_MODEL_LOGISTIC: {
		double y = b->label[row];
		return log1p(exp(-fabs(z[0]))) + fmax(z[0], 0.0) - y * z[0];
	}
	case GD_MODEL_SOFTMAX:
	case GD_MODEL_MLP: {
		double mx = z[0], s = 0;
		for (size_t j = 1; j < m->c; j++)
			mx = fmax(mx, z[j]);
		for (size_t j = 0; j < m->c; j++)
			s += exp(z[j] - mx);
		return log(s) + mx - z[b->label[row]];
	}
	case GD_MODEL_SVM: {
		double l = 0, zy = z[b->label[row]];
		for (size_t j = 0; j < m->c; j++)
			if ((int32_t)j != b->label[row])
				l += fmax(0.0, z[j] - zy + 1.0);
		return l;
	}
	case GD_NMODELS: break;
	}
	return NAN;
}

double gd_ref_loss(const gd_model *m, const double *p, const gd_batch *b)
{
	size_t d = m->d, c = m->c, h = m->h;
	double *x = malloc(d * sizeof(double)), *a = malloc((h + c + 1) * sizeof(double));
	double *z = a + h;
	double loss = 0;
	if (!x || !a) {
		free(x);
		free(a);
		return NAN;
	}
	for (size_t k = 0; k < b->n; k++) {
		const float *xr = b->x + gd_batch_row(b, k) * b->ld;
		for (size_t i = 0; i < d; i++)
			x[i] = xr[i];
		if (m->kind == GD_MODEL_MLP) {
			size_t lay[4];
			gd_mlp_offsets(m, lay);
			const double *W1 = p, *b1 = p + lay[1], *W2 = p + lay[2], *b2 = p + lay[3];
			affine_d(W1, b1, h, d, x, a);
			for (size_t j = 0; j < h; j++)
				a[j] = fmax(a[j], 0.0);
			affine_d(W2, b2, c, h, a, z);
		} else {
			affine_d(p, p + c * d, c, d, x, z);
		}
		loss += head_d(m, z, b, k);
	}
	free(x);
	free(a);
	double pen = 0;
	size_t np = gd_model_nparams(m);
	for (size_t j = 0; j < np; j++)
		if (gd_model_is_weight(m, j))
			pen += m->l1 * fabs(p[j]) + 0.5 * m->l2 * p[j] * p[j];
	return (b->n ? loss / (double)b->n : 0) + pen;
}

int gd_gradcheck(gd_grad_fn fn, const gd_model *m, const float *params, const gd_batch *b, double h,
                 gd_gradcheck_result *out)
{
	size_t np = gd_model_nparams(m);
	float *g = malloc(np * sizeof(float));
	float *scratch = aligned_alloc(64, (gd_grad_scratch_floats(m, b->n) * sizeof(float) + 63) / 64 * 64);
	double *pd = malloc(np * sizeof(double));
	int rc = 0;
	if (!g || !scratch || !pd) {
		rc = GD_ENOMEM;
		goto out;
	}
	memset(out, 0, sizeof(*out));
	double loss = gd_finish_mean(m, params, fn(m, params, b, g, scratch), b->n, g);
	for (size_t j = 0; j < np; j++)
		pd[j] = params[j];
	double ref = gd_ref_loss(m, pd, b);
	out->loss_rel_err = fabs(loss - ref) / fmax(fabs(ref), 1e-3);
	for (size_t j = 0; j < np; j++) {
		double keep = pd[j];
		pd[j] = keep + h;
		double lp = gd_ref_loss(m, pd, b);
		pd[j] = keep - h;
		double lm = gd_ref_loss(m, pd, b);
		pd[j] = keep;
		double num = (lp - lm) / (2 * h), an = g[j];
		double rel = fabs(an - num) / fmax(fmax(fabs(an), fabs(num)), 1e-3);
		if (!(rel <= out->max_rel_err)) { /* NaN counts as worst */
			out->max_rel_err = isnan(rel) ? INFINITY : rel;
			out->worst = j;
			out->analytic = an;
			out->numeric = num;
		}
	}
out:
	free(g);
	free(scratch);
	free(pd);
	return rc;
}
