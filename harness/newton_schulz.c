/*
 * Muon's Newton-Schulz orthogonalization (newton_schulz.h) on OpenBLAS or
 * our own GEMM (kernels/ns_gemm.c), and GD_NS_AUTO's measured pick.
 *
 * Against the references (Keller Jordan's zeropower_via_newtonschulz5 and
 * torch.optim.Muon's _zeropower_via_newtonschulz): the same transpose when
 * rows > cols, the same iteration and coefficients, but fp32 throughout
 * where they cast to bf16 (the norm's sum of squares is accumulated in
 * double). Keller Jordan's divides by ||X||_F + eps as here; torch.optim
 * clamps the norm to at least eps instead, which differs only for a norm
 * near eps. a X + B X is computed as (B + a I) X: one GEMM with no copy
 * of X, the same up to rounding of B's diagonal.
 *
 * Both products with X X^T-like form are symmetric and computed as one
 * triangle (ssyrk; our GEMM's lower mode), then mirrored; A A = A A^T since
 * A is symmetric. gd_ns_flops counts them at that size.
 */
#include "newton_schulz.h"

#include <cblas.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "gd_error.h"
#include "ns_gemm.h"

/* Our GEMM at each level; scalar is vec_scalar.h's build. */
static const gd_sgemm_fn own_gemm[GD_NISA] = {
	gd_sgemm_f32_scalar,
#if defined(__x86_64__)
	gd_sgemm_f32_avx2, gd_sgemm_f32_avx512,
#elif defined(__aarch64__)
	gd_sgemm_f32_neon, gd_sgemm_f32_sve,
#endif
};

gd_sgemm_fn gd_ns_gemm_for(gd_isa isa)
{
	return own_gemm[(unsigned)isa < GD_NISA ? isa : GD_ISA_SCALAR];
}

void gd_ns_opts_default(gd_ns_opts *o)
{
	o->steps = 5;
	o->a = 3.4445;
	o->b = -4.7750;
	o->c = 2.0315;
	o->eps = 1e-7;
	o->backend = GD_NS_AUTO;
	o->cap = gd_cpu_get()->max;
}

const char *gd_ns_backend_name(gd_ns_backend b)
{
	static const char *const names[GD_NS_NBACKEND] = { "auto", "blas", "own" };
	return (unsigned)b < GD_NS_NBACKEND ? names[b] : "?";
}

int gd_ns_backend_from_name(const char *name, gd_ns_backend *out)
{
	for (int b = 0; name && b < GD_NS_NBACKEND; b++)
		if (!strcmp(name, gd_ns_backend_name((gd_ns_backend)b))) {
			*out = (gd_ns_backend)b;
			return 0;
		}
	return GD_EINVAL;
}

/* the iterated matrix is m x n with m <= n */
static void ns_dims(size_t rows, size_t cols, size_t *m, size_t *n)
{
	*m = rows < cols ? rows : cols;
	*n = rows < cols ? cols : rows;
}

/* Too big for BLAS's int dimensions, or its workspace for size_t: 0. */
static int dims_ok(size_t rows, size_t cols)
{
	if (!rows || !cols || rows > INT_MAX || cols > INT_MAX)
		return 0;
	size_t m, n;
	ns_dims(rows, cols, &m, &n);
	/* 4 m n floats (the workspace's m n + 2 m m, AUTO's copy of x) and the
	 * packing space (under 2^24 floats) count in bytes within size_t */
	return n <= (SIZE_MAX / 4 - ((size_t)1 << 25)) / 4 / m;
}

/* offset of the packing space in the workspace, 16-float aligned (a cache line) relative to work */
static size_t pack_off(size_t m, size_t n)
{
	return (m * n + 2 * m * m + 15) / 16 * 16;
}

size_t gd_ns_work_floats(size_t rows, size_t cols)
{
	if (!dims_ok(rows, cols))
		return 0;
	size_t m, n;
	ns_dims(rows, cols, &m, &n);
	/* the largest product: X X^T is m x m over n, B X is m x n over m */
	size_t p1 = gd_gemm_pack_floats(m, m, n), p2 = gd_gemm_pack_floats(m, n, m);
	return pack_off(m, n) + (p1 > p2 ? p1 : p2);
}

double gd_ns_flops(size_t rows, size_t cols, int steps)
{
	size_t mi, ni;
	ns_dims(rows, cols, &mi, &ni);
	double m = (double)mi, n = (double)ni;
	/* X X^T and A A as triangles (m(m+1)/2 dot products each), B X in full */
	return steps * (m * (m + 1) * n + m * (m + 1) * m + 2 * m * m * n);
}

/* dst (c x r) = src^T (src r x c), in 32 x 32 blocks so both sides stay in cache */
static void transpose(const float *restrict src, size_t r, size_t c, float *restrict dst)
{
	for (size_t i0 = 0; i0 < r; i0 += 32)
		for (size_t j0 = 0; j0 < c; j0 += 32)
			for (size_t i = i0; i < r && i < i0 + 32; i++)
				for (size_t j = j0; j < c && j < j0 + 32; j++)
					dst[j * r + i] = src[i * c + j];
}

/* the strict upper triangle of the m x m matrix s from its lower one */
static void mirror_lower(float *s, size_t m)
{
	for (size_t i = 0; i < m; i++)
		for (size_t j = 0; j < i; j++)
			s[j * m + i] = s[i * m + j];
}

/* C (m x m) = alpha X X^T + beta C, lower triangle, for X m x k */
static void gram(gd_ns_backend be, gd_sgemm_fn own, size_t m, size_t k, float alpha, const float *X, float beta,
                 float *C, float *pack)
{
	if (be == GD_NS_BLAS)
		cblas_ssyrk(CblasRowMajor, CblasLower, CblasNoTrans, (int)m, (int)k, alpha, X, (int)k, beta, C, (int)m);
	else
		own(1, 1, m, m, k, alpha, X, k, X, k, beta, C, m, pack);
}

/* One run of the iteration with a backend that is not AUTO. */
static void ns_run(float *x, size_t rows, size_t cols, const gd_ns_opts *o, float *work, gd_ns_backend be)
{
	size_t m, n;
	ns_dims(rows, cols, &m, &n);
	const int trans = rows > cols;
	gd_sgemm_fn own = gd_ns_gemm_for(o->cap);
	float *X0 = work, *A = work + m * n, *B = A + m * m, *pack = work + pack_off(m, n);
	float *cur = x, *nxt = X0;
	if (trans) { /* iterate on x^T (m x n); x's storage is the second buffer */
		transpose(x, rows, cols, X0);
		cur = X0;
		nxt = x;
	}
	double ss = 0;
	for (size_t i = 0; i < m * n; i++)
		ss += (double)cur[i] * cur[i];
	const float scale = (float)(1.0 / (sqrt(ss) + o->eps));
	for (size_t i = 0; i < m * n; i++)
		cur[i] *= scale;
	const float a = (float)o->a, b = (float)o->b, c = (float)o->c;
	for (int s = 0; s < o->steps; s++) {
		gram(be, own, m, n, 1.0f, cur, 0.0f, A, pack); /* A = X X^T */
		mirror_lower(A, m);
		memcpy(B, A, m * m * sizeof(float));
		gram(be, own, m, m, c, A, b, B, pack); /* B = b A + c A A^T */
		mirror_lower(B, m);
		for (size_t i = 0; i < m; i++)
			B[i * m + i] += a; /* B + a I: a X + B X in one product */
		if (be == GD_NS_BLAS)
			cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)m, (int)n, (int)m, 1.0f, B, (int)m, cur,
			            (int)n, 0.0f, nxt, (int)n);
		else
			own(0, 0, m, n, m, 1.0f, B, m, cur, n, 0.0f, nxt, n, pack);
		float *t = cur;
		cur = nxt;
		nxt = t;
	}
	if (trans) { /* back to rows x cols in x */
		if (cur == x) {
			memcpy(X0, x, m * n * sizeof(float));
			cur = X0;
		}
		transpose(cur, m, n, x);
	} else if (cur != x) {
		memcpy(x, cur, m * n * sizeof(float));
	}
}

/*
 * GD_NS_AUTO's picks: one per iterated shape (m, n) and cap. The mutex is
 * held while a shape is measured, so two threads never measure at once
 * (they would slow each other's timings) and each shape is measured once.
 * When the table is full the oldest entry is replaced.
 */
#define NPICKS 128
typedef struct ns_pick {
	size_t m, n;
	gd_isa cap;
	gd_ns_backend pick;
} ns_pick;
static ns_pick picks[NPICKS];
static size_t npicks, next_pick;
static pthread_mutex_t picks_mu = PTHREAD_MUTEX_INITIALIZER;

/* One step of each backend on a copy of x, alternating, best of up to 3 each
 * (fewer once 0.25 s is spent: big shapes take seconds a step). */
static int measure_pick(const float *x, size_t rows, size_t cols, const gd_ns_opts *o, gd_ns_backend *out)
{
	size_t mn = rows * cols, wf = gd_ns_work_floats(rows, cols);
	float *buf = malloc((mn + wf) * sizeof(float));
	if (!buf)
		return GD_ENOMEM;
	gd_ns_opts one = *o;
	one.steps = 1;
	double best[2] = { INFINITY, INFINITY }, t_start = gd_now();
	for (int r = 0; r < 3 && (r == 0 || gd_now() - t_start < 0.25); r++)
		for (int k = 0; k < 2; k++) {
			memcpy(buf, x, mn * sizeof(float));
			double t0 = gd_now();
			ns_run(buf, rows, cols, &one, buf + mn, k == 0 ? GD_NS_BLAS : GD_NS_OWN);
			double t = gd_now() - t0;
			best[k] = t < best[k] ? t : best[k];
		}
	free(buf);
	*out = best[1] < best[0] ? GD_NS_OWN : GD_NS_BLAS;
	return 0;
}

static int auto_pick(const float *x, size_t rows, size_t cols, const gd_ns_opts *o, gd_ns_backend *out)
{
	size_t m, n;
	ns_dims(rows, cols, &m, &n);
	int rc = 0;
	pthread_mutex_lock(&picks_mu);
	for (size_t i = 0; i < npicks; i++)
		if (picks[i].m == m && picks[i].n == n && picks[i].cap == o->cap) {
			*out = picks[i].pick;
			goto done;
		}
	if ((rc = measure_pick(x, rows, cols, o, out)))
		goto done;
	picks[next_pick] = (ns_pick){ m, n, o->cap, *out };
	next_pick = (next_pick + 1) % NPICKS;
	npicks += npicks < NPICKS;
done:
	pthread_mutex_unlock(&picks_mu);
	return rc;
}

int gd_ns_orthogonalize(float *x, size_t rows, size_t cols, const gd_ns_opts *o, float *work,
                        gd_ns_backend *used)
{
	if (!x || !o || !work || !dims_ok(rows, cols) || o->steps < 0 || (unsigned)o->backend >= GD_NS_NBACKEND ||
	    (unsigned)o->cap > (unsigned)gd_cpu_get()->max || !isfinite(o->a) || !isfinite(o->b) || !isfinite(o->c) ||
	    !(o->eps >= 0 && isfinite(o->eps)))
		return GD_EINVAL;
	gd_ns_backend be = o->backend;
	if (be == GD_NS_AUTO) {
		int rc = auto_pick(x, rows, cols, o, &be);
		if (rc)
			return rc;
	}
	ns_run(x, rows, cols, o, work, be);
	if (used)
		*used = be;
	return 0;
}
