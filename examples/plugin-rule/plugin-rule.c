/*
 * A rule gdbench lacks, as a plugin: AdaBelief (Zhuang et al. 2020, "AdaBelief
 * Optimizer: Adapting Stepsizes by the Belief in Observed Gradients",
 * Algorithm 2), as the adabelief-pytorch package computes it with
 * rectify=False, weight_decouple=True, amsgrad=False:
 *   w = (1 - lr*wd) w                          (decoupled weight decay)
 *   m = b1 m + (1 - b1) g
 *   s = b2 s + (1 - b2) (g - m)^2 + eps        (eps added to the state itself)
 *   w = w - lr/(1 - b1^t) * m / (sqrt(s)/sqrt(1 - b2^t) + eps)
 * Defaults: lr 1e-3, betas (0.9, 0.999), eps 1e-16, weight_decay 0.
 *
 * Registered as the rule "adabelief": its scalar reference "adabelief/scalar"
 * and an AVX2 variant "adabelief/mine/avx2", which gdbench verifies against
 * the reference before it times or trains with it. gdbench computes the
 * per-step scalars (GD_SC_ADAM: the Adam family's bias corrections) and the
 * prologue (st->gscale for clipping, st->l2 when weight_decay is L2 with
 * decoupled=0, st->decay = 1 - lr*wd otherwise).
 */
#include <math.h>

#include <immintrin.h>

#include <gdbench/plugin.h>

GDBENCH_PLUGIN_DEFINE_ABI;

/* st->c under GD_SC_ADAM: b1, 1 - b1, b2, 1 - b2, lr/(1 - b1^t), 1/sqrt(1 - b2^t), eps */
static void adabelief_f32_scalar(const gd_hparams *hp, const gd_step *st, void *restrict w_, const void *restrict g_,
                                 void *const state[], size_t n, size_t off)
{
	(void)hp, (void)off;
	float *w = w_, *m = state[0], *s = state[1];
	const float *g = g_;
	const float *c = st->c;
	for (size_t i = 0; i < n; i++) {
		float gi = st->gscale * g[i] + st->l2 * w[i];
		float mi = c[0] * m[i] + c[1] * gi;
		float r = gi - mi;
		float si = c[2] * s[i] + c[3] * r * r + c[6];
		w[i] = st->decay * w[i] - c[4] * mi / (sqrtf(si) * c[5] + c[6]);
		m[i] = mi;
		s[i] = si;
	}
}

/* The AVX2 code alone is built for AVX2 (target attribute, not -mavx2 for the
 * file): the reference must run on any x86-64, whatever the compiler makes of it. */
#define AVX2 __attribute__((target("avx2,fma")))

typedef struct {
	__m256 gs, l2, decay, b1, b11, b2, b21, step, isb2, eps;
} consts;

AVX2 static inline void adabelief8(const consts *k, float *w, const float *g, float *m, float *s, __m256i mask, int masked)
{
	__m256 wi = masked ? _mm256_maskload_ps(w, mask) : _mm256_loadu_ps(w);
	__m256 gi = masked ? _mm256_maskload_ps(g, mask) : _mm256_loadu_ps(g);
	__m256 mi = masked ? _mm256_maskload_ps(m, mask) : _mm256_loadu_ps(m);
	__m256 si = masked ? _mm256_maskload_ps(s, mask) : _mm256_loadu_ps(s);
	gi = _mm256_fmadd_ps(k->gs, gi, _mm256_mul_ps(k->l2, wi));
	mi = _mm256_fmadd_ps(k->b1, mi, _mm256_mul_ps(k->b11, gi));
	__m256 r = _mm256_sub_ps(gi, mi);
	si = _mm256_fmadd_ps(k->b2, si, _mm256_fmadd_ps(_mm256_mul_ps(k->b21, r), r, k->eps));
	__m256 den = _mm256_fmadd_ps(_mm256_sqrt_ps(si), k->isb2, k->eps);
	wi = _mm256_fnmadd_ps(k->step, _mm256_div_ps(mi, den), _mm256_mul_ps(wi, k->decay));
	if (masked) {
		_mm256_maskstore_ps(w, mask, wi);
		_mm256_maskstore_ps(m, mask, mi);
		_mm256_maskstore_ps(s, mask, si);
	} else {
		_mm256_storeu_ps(w, wi);
		_mm256_storeu_ps(m, mi);
		_mm256_storeu_ps(s, si);
	}
}

AVX2 static void adabelief_f32_avx2(const gd_hparams *hp, const gd_step *st, void *restrict w_, const void *restrict g_,
                               void *const state[], size_t n, size_t off)
{
	(void)hp, (void)off;
	float *w = w_, *m = state[0], *s = state[1];
	const float *g = g_;
	const consts k = {
		_mm256_set1_ps(st->gscale), _mm256_set1_ps(st->l2), _mm256_set1_ps(st->decay),
		_mm256_set1_ps(st->c[0]),   _mm256_set1_ps(st->c[1]), _mm256_set1_ps(st->c[2]),
		_mm256_set1_ps(st->c[3]),   _mm256_set1_ps(st->c[4]), _mm256_set1_ps(st->c[5]),
		_mm256_set1_ps(st->c[6]),
	};
	const __m256i all = _mm256_set1_epi32(-1);
	size_t i = 0;
	for (; i + 16 <= n; i += 16) { /* two independent chains hide the div/sqrt latency */
		adabelief8(&k, w + i, g + i, m + i, s + i, all, 0);
		adabelief8(&k, w + i + 8, g + i + 8, m + i + 8, s + i + 8, all, 0);
	}
	for (; i + 8 <= n; i += 8)
		adabelief8(&k, w + i, g + i, m + i, s + i, all, 0);
	if (i < n) {
		const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
		__m256i mask = _mm256_cmpgt_epi32(_mm256_set1_epi32((int)(n - i)), lane);
		adabelief8(&k, w + i, g + i, m + i, s + i, mask, 1);
	}
}

/* beyond gdbench's own checks (lr > 0, weight_decay >= 0, eps >= 0) */
static int adabelief_check(const gd_hparams *hp, const char **what)
{
	if (!(hp->beta1 >= 0 && hp->beta1 < 1)) {
		*what = "betas (beta1 must be in [0, 1))";
		return GD_ERANGE;
	}
	if (!(hp->beta2 >= 0 && hp->beta2 < 1)) {
		*what = "betas (beta2 must be in [0, 1))";
		return GD_ERANGE;
	}
	return 0;
}

int gdbench_plugin_init(const gdbench_host *host)
{
	static const gdbench_rule rule = {
		.name = "adabelief",
		.description = "Zhuang et al. 2020, Algorithm 2 (adabelief-pytorch, rectify=False, weight_decouple=True)",
		.nstate = 2,  /* m, s */
		.flops = 16,  /* m 3, g - m 1, s 4, + eps 1, sqrt 1, *isb2 + eps 2, div 1, w 3 */
		.bytes = 28,  /* read w, g, m, s; write w, m, s: 7 floats */
		.keys = "lr,betas,eps,weight_decay",
		.decoupled = 1,
		.scalars = GD_SC_ADAM,
		.check = adabelief_check,
		.defaults = { .lr = 1e-3, .beta1 = 0.9, .beta2 = 0.999, .eps = 1e-16 },
		.reference = { [GD_DT_F32] = adabelief_f32_scalar },
	};
	static const gdbench_update_variant avx2 = {
		.rule = "adabelief",
		.impl = "mine",
		.isa = "avx2",
		.features = "avx2,fma",
		.fn = { [GD_DT_F32] = adabelief_f32_avx2 },
	};
	int rc = host->register_rule(host, &rule);
	return rc ? rc : host->register_update(host, &avx2);
}
