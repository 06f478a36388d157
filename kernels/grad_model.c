/* Model metadata and the step from a kernel's sums to the reported mean loss plus penalty. */
#include <math.h>
#include <stdatomic.h>
#include <string.h>

#include "gd_error.h"
#include "grad.h"

/* relaxed: a hint read once per kernel call, never a synchronization */
static _Atomic size_t stream_ahead;

void gd_grad_set_stream_ahead(size_t floats)
{
	atomic_store_explicit(&stream_ahead, floats, memory_order_relaxed);
}

size_t gd_grad_stream_ahead(void)
{
	return atomic_load_explicit(&stream_ahead, memory_order_relaxed);
}

static const char *const model_names[GD_NMODELS] = {
#define GD__MODEL_NAME(up, lo) #lo,
	GD_MODEL_MAP(GD__MODEL_NAME)
#undef GD__MODEL_NAME
};

const char *gd_model_name(gd_model_kind k)
{
	return (unsigned)k < GD_NMODELS ? model_names[k] : "?";
}

int gd_model_from_name(const char *name)
{
	for (int k = 0; k < GD_NMODELS; k++)
		if (!strcmp(name, model_names[k]))
			return k;
	return GD_ENOENT;
}

int gd_model_check(const gd_model *m, const char **what)
{
	const char *unused; /* a local, not a static: callers may run on several threads */
	if (!what)
		what = &unused;
	if ((unsigned)m->kind >= GD_NMODELS)
		return *what = "model", GD_EINVAL;
	if (m->d < 1 || m->d > ((size_t)1 << 28))
		return *what = "features (d must be in 1..2^28)", GD_ERANGE;
	int binary = m->kind == GD_MODEL_LSQ || m->kind == GD_MODEL_LOGISTIC;
	if (binary ? m->c != 1 : (m->c < 2 || m->c > 65536))
		return *what = binary ? "classes (lsq and logistic have one output)" : "classes (need 2..65536)", GD_ERANGE;
	if (m->kind == GD_MODEL_MLP && (m->h < 1 || m->h > 65536))
		return *what = "hidden width (need 1..65536)", GD_ERANGE;
	if (!(m->l1 >= 0) || !(m->l2 >= 0) || !isfinite(m->l1) || !isfinite(m->l2))
		return *what = "penalty (l1 and l2 must be >= 0)", GD_ERANGE;
	return 0;
}

size_t gd_model_nparams(const gd_model *m)
{
	if (m->kind == GD_MODEL_MLP)
		return m->h * m->d + m->h + m->c * m->h + m->c;
	return m->c * m->d + m->c;
}

int gd_model_is_weight(const gd_model *m, size_t j)
{
	if (m->kind != GD_MODEL_MLP)
		return j < m->c * m->d;
	size_t l1 = m->h * m->d, b1 = l1 + m->h, l2 = b1 + m->c * m->h;
	return j < l1 || (j >= b1 && j < l2);
}

double gd_model_flops_per_row(const gd_model *m)
{
	/* a multiply-add per weight forward, two backward (gradient and, for the
	 * MLP's first layer's input, nothing: the input needs no gradient) */
	if (m->kind == GD_MODEL_MLP)
		return 4.0 * (double)(m->h * m->d) + 6.0 * (double)(m->c * m->h);
	return 4.0 * (double)(m->c * m->d);
}

/* simd MLP: a block's rows and hidden layer transposed (d and h rows of
 * GD_GRAD_PANEL_ROWS), each 64-float aligned */
static size_t mlp_panels(const gd_model *m)
{
	return m->kind == GD_MODEL_MLP ? (m->d + m->h) * GD_GRAD_PANEL_ROWS + 2 * 64 : 0;
}

size_t gd_grad_scratch_floats(const gd_model *m, size_t n)
{
	/* blas: gathered rows (n x d), outputs and their gradient (2 x n x
	 * max(c, h)), the MLP's hidden layer (2 x n x h). simd uses blocks of
	 * min(n, GD_GRAD_ROW_BLOCK) rows (counted at least 4: scalar needs
	 * less). 64 floats of alignment slack per array. */
	size_t nb = n < 4 ? 4 : n, w = m->c > m->h ? m->c : m->h;
	return nb * m->d + 2 * nb * w + 2 * nb * m->h + 4 * 64 + mlp_panels(m);
}

size_t gd_grad_scratch_floats_rows(const gd_model *m)
{
	/* simd: row blocks of hidden activations, their gradient and outputs */
	return GD_GRAD_ROW_BLOCK * (2 * m->h + m->c) + 4 * 64 + mlp_panels(m);
}

/* The parameter vector as alternating weight and bias segments:
 * [off[k], off[k+1]) is weights for even k, biases for odd k. Returns count. */
static int segments(const gd_model *m, size_t off[5])
{
	off[0] = 0;
	if (m->kind != GD_MODEL_MLP) {
		off[1] = m->c * m->d;
		off[2] = off[1] + m->c;
		return 2;
	}
	gd_mlp_offsets(m, off);
	off[4] = off[3] + m->c;
	return 4;
}

double gd_penalty(const gd_model *m, const float *p)
{
	if (m->l1 == 0 && m->l2 == 0)
		return 0;
	size_t off[5];
	int ns = segments(m, off);
	double a = 0, q = 0;
	for (int k = 0; k < ns; k += 2)
		for (size_t j = off[k]; j < off[k + 1]; j++) {
			a += fabs((double)p[j]);
			q += (double)p[j] * (double)p[j];
		}
	return m->l1 * a + 0.5 * m->l2 * q;
}

void gd_finish_grad_range(const gd_model *m, const float *p, size_t n, float *grad, size_t lo, size_t hi)
{
	size_t off[5];
	int ns = segments(m, off);
	float inv = n ? 1.0f / (float)n : 0.0f;
	float l1 = (float)m->l1, l2 = (float)m->l2;
	for (int k = 0; k < ns; k++) {
		size_t a = off[k] > lo ? off[k] : lo, b = off[k + 1] < hi ? off[k + 1] : hi;
		if (k % 2 || (l1 == 0 && l2 == 0)) {
			for (size_t j = a; j < b; j++)
				grad[j] *= inv;
			continue;
		}
		for (size_t j = a; j < b; j++) {
			float w = p[j];
			/* subgradient of |w|: sign(w), 0 at 0 */
			grad[j] = grad[j] * inv + l2 * w + l1 * (float)((w > 0) - (w < 0));
		}
	}
}

double gd_finish_mean(const gd_model *m, const float *p, double loss_sum, size_t n, float *grad)
{
	gd_finish_grad_range(m, p, n, grad, 0, gd_model_nparams(m));
	return (n ? loss_sum / (double)n : 0) + gd_penalty(m, p);
}
