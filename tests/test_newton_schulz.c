/*
 * Muon's Newton-Schulz orthogonalization (harness/newton_schulz.c) and our
 * GEMM (kernels/ns_gemm.c): the GEMM at each ISA level against a naive
 * double product on odd shapes; the iteration against an independent
 * double-precision one; properties from theory (the singular values' band
 * after 5 steps, invariance to the input's scale, transposition); the
 * backends against each other; AUTO's pick; bad inputs.
 */
#include <float.h>
#include <limits.h>
#include <pthread.h>

#include "testutil.h"

#include "newton_schulz.h"

#define NS_A 3.4445
#define NS_B -4.7750
#define NS_C 2.0315

static float *fvec(size_t n)
{
	float *p = malloc((n ? n : 1) * sizeof(float));
	assert_non_null(p);
	return p;
}
static double *dvec(size_t n)
{
	double *p = calloc(n ? n : 1, sizeof(double));
	assert_non_null(p);
	return p;
}
static void fill_uniform(float *p, size_t n, uint64_t seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = tu_uniform(&seed, -1.0f, 1.0f);
}
/* standard normal by Box-Muller */
static void fill_gauss(float *p, size_t n, uint64_t seed)
{
	for (size_t i = 0; i < n; i++) {
		double u1 = tu_uniform(&seed, 0x1.0p-24f, 1.0f), u2 = tu_uniform(&seed, 0.0f, 1.0f);
		p[i] = (float)(sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2));
	}
}

/* ---- our GEMM against a naive double product ---- */

static void check_gemm(gd_sgemm_fn f, const char *lvl, int transb, int lower, size_t m, size_t n, size_t k,
                       float alpha, float beta)
{
	/* padded leading dimensions: the kernel must honour them */
	size_t lda = k + 3, ldb = (transb ? k : n) + 1, ldc = n + 2;
	size_t brows = transb ? n : k;
	float *A = fvec(m * lda), *B = fvec(brows * ldb), *C = fvec(m * ldc), *C0 = fvec(m * ldc);
	float *pack = fvec(gd_gemm_pack_floats(m, n, k));
	fill_uniform(A, m * lda, 1 + m);
	fill_uniform(B, brows * ldb, 2 + n);
	if (lower) { /* syrk's form: op(B) = A^T */
		free(B);
		B = fvec(m * lda);
		memcpy(B, A, m * lda * sizeof(float));
		ldb = lda;
	}
	fill_uniform(C0, m * ldc, 3 + k);
	if (beta == 0.0f) /* beta 0 must not read C */
		for (size_t i = 0; i < m * ldc; i++)
			C0[i] = NAN;
	memcpy(C, C0, m * ldc * sizeof(float));
	f(transb, lower, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc, pack);
	for (size_t i = 0; i < m; i++)
		for (size_t j = 0; j < n; j++) {
			if (lower && j > i)
				continue;
			double s = 0, sa = 0;
			for (size_t p = 0; p < k; p++) {
				double bv = transb ? B[j * ldb + p] : B[p * ldb + j];
				s += (double)A[i * lda + p] * bv;
				sa += fabs((double)A[i * lda + p] * bv);
			}
			double want = alpha * s + (beta != 0.0f ? beta * (double)C0[i * ldc + j] : 0.0);
			/* fp32 accumulation over k terms: at most ~k ulps of the
			 * magnitude summed (the classic bound k eps sum|a||b|); 2x margin */
			double tol = 2.0 * (double)(k + 2) * FLT_EPSILON *
			             (fabs(alpha) * sa + (beta != 0.0f ? fabs(beta * (double)C0[i * ldc + j]) : 0.0));
			if (!(fabs(C[i * ldc + j] - want) <= tol + 1e-30))
				fail_msg("%s transb=%d lower=%d %zux%zux%zu: C[%zu][%zu] = %.9g, want %.9g (tol %.3g)", lvl, transb,
				         lower, m, n, k, i, j, C[i * ldc + j], want, tol);
		}
	/* the padding between rows is never written */
	for (size_t i = 0; i < m; i++)
		for (size_t j = n; j < ldc; j++)
			assert_memory_equal(&C[i * ldc + j], &C0[i * ldc + j], sizeof(float));
	free(A), free(B), free(C), free(C0), free(pack);
}

static void test_gemm_vs_naive(void **st)
{
	(void)st;
	/* m x n (x k): the odd shapes, plus k over KC (two K slices),
	 * m over MC (two row blocks) and n over NC (two column panels). Under an
	 * emulator (qemu-user: minutes at this size) 128 x 512 is left out; the
	 * 9 x 17 x 300 case still crosses KC. */
	static const size_t shapes[][3] = {
		{ 1, 1, 1 }, { 3, 2, 5 }, { 7, 13, 9 }, { 65, 33, 70 }, { 9, 17, 300 }, { 150, 20, 7 }, { 5, 4100, 3 },
		{ 128, 512, 300 },
	};
	size_t nshapes = sizeof(shapes) / sizeof(shapes[0]) - (gd_cpu_get()->emulated[0] ? 1 : 0);
	for (int l = 0; l < GD_NISA; l++) {
		char name[64];
		snprintf(name, sizeof(name), "gd_sgemm_f32_%s", gd_isa_name((gd_isa)l));
		if (!tu_row((gd_isa)l, name))
			continue;
		gd_sgemm_fn f = gd_ns_gemm_for((gd_isa)l);
		for (size_t s = 0; s < nshapes; s++) {
			size_t m = shapes[s][0], n = shapes[s][1], k = shapes[s][2];
			for (int tb = 0; tb < 2; tb++) {
				check_gemm(f, name, tb, 0, m, n, k, 1.0f, 0.0f);
				check_gemm(f, name, tb, 0, m, n, k, -1.5f, 0.75f);
			}
			/* lower: square C, op(B) = A^T (X X^T) */
			check_gemm(f, name, 1, 1, m, m, k, 1.0f, 0.0f);
			check_gemm(f, name, 1, 1, m, m, k, 2.0315f, -4.775f);
		}
	}
}

/* ---- the iteration in double, written from Keller Jordan's reference ---- */

/* out (rows x cols) = NS_steps(g) in double: X = g (transposed when rows >
 * cols), X /= ||X||_F + eps, then A = X X^T, B = b A + c A A, X = a X + B X. */
static void ns_double(const float *g, size_t rows, size_t cols, int steps, double *out)
{
	int tr = rows > cols;
	size_t m = tr ? cols : rows, n = tr ? rows : cols;
	double *X = dvec(m * n), *A = dvec(m * m), *B = dvec(m * m), *Y = dvec(m * n);
	double ss = 0;
	for (size_t i = 0; i < m; i++)
		for (size_t j = 0; j < n; j++) {
			X[i * n + j] = tr ? g[j * cols + i] : g[i * cols + j];
			ss += X[i * n + j] * X[i * n + j];
		}
	for (size_t i = 0; i < m * n; i++)
		X[i] /= sqrt(ss) + 1e-7;
	for (int s = 0; s < steps; s++) {
		for (size_t i = 0; i < m; i++)
			for (size_t j = 0; j < m; j++) {
				double d = 0;
				for (size_t p = 0; p < n; p++)
					d += X[i * n + p] * X[j * n + p];
				A[i * m + j] = d;
			}
		for (size_t i = 0; i < m; i++)
			for (size_t j = 0; j < m; j++) {
				double d = 0;
				for (size_t p = 0; p < m; p++)
					d += A[i * m + p] * A[p * m + j];
				B[i * m + j] = NS_B * A[i * m + j] + NS_C * d;
			}
		for (size_t i = 0; i < m; i++)
			for (size_t j = 0; j < n; j++) {
				double d = 0;
				for (size_t p = 0; p < m; p++)
					d += B[i * m + p] * X[p * n + j];
				Y[i * n + j] = NS_A * X[i * n + j] + d;
			}
		memcpy(X, Y, m * n * sizeof(double));
	}
	for (size_t i = 0; i < m; i++)
		for (size_t j = 0; j < n; j++)
			out[tr ? j * cols + i : i * cols + j] = X[i * n + j];
	free(X), free(A), free(B), free(Y);
}

/* x := NS(x) with backend be at cap; asserts success and the backend used */
static void run_ns(float *x, size_t rows, size_t cols, gd_ns_backend be, gd_isa cap, int steps)
{
	gd_ns_opts o;
	gd_ns_opts_default(&o);
	o.backend = be;
	o.cap = cap;
	o.steps = steps;
	float *w = fvec(gd_ns_work_floats(rows, cols));
	gd_ns_backend used = GD_NS_NBACKEND;
	assert_int_equal(gd_ns_orthogonalize(x, rows, cols, &o, w, &used), 0);
	if (be != GD_NS_AUTO)
		assert_int_equal(used, be);
	free(w);
}

static const size_t ns_shapes[][2] = { { 1, 1 }, { 3, 2 }, { 2, 3 }, { 7, 13 }, { 33, 20 }, { 64, 64 }, { 40, 300 } };
#define NNS (sizeof(ns_shapes) / sizeof(ns_shapes[0]))

/* Each fp32 step perturbs X by rounding (~1e-7 relative) and the
 * iteration's slope at small singular values (a = 3.44) amplifies that at
 * most ~3.5^5 ~ 500x over 5 steps: 1e-4 of the result's largest entry
 * leaves a margin (measured here: at most 4e-6). */
static void check_vs_double(gd_ns_backend be, gd_isa cap)
{
	for (size_t s = 0; s < NNS; s++) {
		size_t r = ns_shapes[s][0], c = ns_shapes[s][1];
		float *x = fvec(r * c);
		double *want = dvec(r * c);
		fill_gauss(x, r * c, 11 + s);
		ns_double(x, r, c, 5, want);
		run_ns(x, r, c, be, cap, 5);
		double top = 0;
		for (size_t i = 0; i < r * c; i++)
			top = fabs(want[i]) > top ? fabs(want[i]) : top;
		for (size_t i = 0; i < r * c; i++)
			if (!(fabs(x[i] - want[i]) <= 1e-4 * top))
				fail_msg("%s at %s, %zux%zu: element %zu = %.9g, want %.9g", gd_ns_backend_name(be),
				         gd_isa_name(cap), r, c, i, x[i], want[i]);
		free(x), free(want);
	}
}

static void test_own_vs_double(void **st)
{
	(void)st;
	for (int l = 0; l < GD_NISA; l++)
		if (tu_row((gd_isa)l, "newton-schulz own"))
			check_vs_double(GD_NS_OWN, (gd_isa)l);
}

static void test_blas_vs_double(void **st)
{
	(void)st;
	check_vs_double(GD_NS_BLAS, gd_cpu_get()->max);
}

/* Both backends compute the same products in another order: they agree
 * within the same 1e-4 of the largest entry as each does with double. */
static void test_backends_agree(void **st)
{
	(void)st;
	for (int l = 0; l < GD_NISA; l++) {
		if (!tu_row((gd_isa)l, "newton-schulz own vs blas"))
			continue;
		size_t r = 96, c = 200;
		float *x = fvec(r * c), *y = fvec(r * c);
		fill_gauss(x, r * c, 5);
		memcpy(y, x, r * c * sizeof(float));
		run_ns(x, r, c, GD_NS_OWN, (gd_isa)l, 5);
		run_ns(y, r, c, GD_NS_BLAS, (gd_isa)l, 5);
		/* max by comparison: the aarch64 gcc 12 cross compiler crashes
		 * vectorizing an fmax reduction here */
		double top = 0;
		for (size_t i = 0; i < r * c; i++)
			top = fabs(y[i]) > top ? fabs(y[i]) : top;
		for (size_t i = 0; i < r * c; i++)
			assert_true(fabs(x[i] - y[i]) <= 1e-4 * top);
		free(x), free(y);
	}
}

/* ---- properties ---- */

/* Eigenvalues of the symmetric m x m matrix s (destroyed) by cyclic Jacobi rotations. */
static void jacobi_eig(double *s, size_t m, double *ev)
{
	for (int sweep = 0; sweep < 100; sweep++) {
		double off = 0;
		for (size_t p = 0; p < m; p++)
			for (size_t q = p + 1; q < m; q++)
				off += s[p * m + q] * s[p * m + q];
		if (off < 1e-26)
			break;
		for (size_t p = 0; p < m; p++)
			for (size_t q = p + 1; q < m; q++) {
				double apq = s[p * m + q];
				if (fabs(apq) < 1e-300)
					continue;
				double th = (s[q * m + q] - s[p * m + p]) / (2 * apq);
				double t = (th >= 0 ? 1 : -1) / (fabs(th) + sqrt(th * th + 1));
				double cs = 1 / sqrt(t * t + 1), sn = t * cs;
				for (size_t k = 0; k < m; k++) { /* columns p, q */
					double a = s[k * m + p], b = s[k * m + q];
					s[k * m + p] = cs * a - sn * b;
					s[k * m + q] = sn * a + cs * b;
				}
				for (size_t k = 0; k < m; k++) { /* rows p, q */
					double a = s[p * m + k], b = s[q * m + k];
					s[p * m + k] = cs * a - sn * b;
					s[q * m + k] = sn * a + cs * b;
				}
			}
	}
	for (size_t i = 0; i < m; i++)
		ev[i] = s[i * m + i];
}

/*
 * Keller Jordan's coefficients trade exact convergence for speed: after 5
 * steps a full-rank input's singular values land in a band around 1, not on
 * 1. The scalar map s -> a s + b s^3 + c s^5 iterated 5 times sends every
 * start in [0.01, 0.35] into [0.6818, 1.1344] (computed in double over a
 * fine grid; the band quoted as about [0.68, 1.13]). A Gaussian 32 x 96
 * matrix, normalized, has singular values from ~0.07 to ~0.28, so its
 * output's must lie in that band; we check [0.675, 1.14] (fp32 slack)
 * through the eigenvalues of O O^T (the squared singular values), for both
 * backends.
 */
static void test_singular_value_band(void **st)
{
	(void)st;
	const size_t r = 32, c = 96;
	for (int be = GD_NS_BLAS; be <= GD_NS_OWN; be++) {
		float *x = fvec(r * c);
		fill_gauss(x, r * c, 99);
		run_ns(x, r, c, (gd_ns_backend)be, gd_cpu_get()->max, 5);
		double *g = dvec(r * r), ev[32];
		for (size_t i = 0; i < r; i++)
			for (size_t j = 0; j < r; j++)
				for (size_t p = 0; p < c; p++)
					g[i * r + j] += (double)x[i * c + p] * x[j * c + p];
		jacobi_eig(g, r, ev);
		for (size_t i = 0; i < r; i++) {
			double sv = sqrt(fmax(ev[i], 0));
			if (!(sv >= 0.675 && sv <= 1.14))
				fail_msg("%s: singular value %zu is %.4f, outside [0.675, 1.14]", gd_ns_backend_name((gd_ns_backend)be),
				         i, sv);
		}
		free(x), free(g);
	}
}

/* NS(k G) = NS(G): the normalization removes k (up to eps, negligible
 * here, and fp32 rounding of the scaled input: 1e-5 of the largest entry) */
static void test_scale_invariance(void **st)
{
	(void)st;
	const size_t r = 24, c = 40;
	static const float scales[] = { 1024.0f, 1.0f / 1024.0f, 3.7f, 1e-3f };
	float *x = fvec(r * c), *y = fvec(r * c);
	fill_gauss(x, r * c, 3);
	for (size_t k = 0; k < sizeof(scales) / sizeof(scales[0]); k++) {
		for (size_t i = 0; i < r * c; i++)
			y[i] = x[i] * scales[k];
		float *x1 = fvec(r * c);
		memcpy(x1, x, r * c * sizeof(float));
		run_ns(x1, r, c, GD_NS_BLAS, gd_cpu_get()->max, 5);
		run_ns(y, r, c, GD_NS_BLAS, gd_cpu_get()->max, 5);
		for (size_t i = 0; i < r * c; i++)
			assert_true(fabs(x1[i] - y[i]) <= 1e-5);
		free(x1);
	}
	free(x), free(y);
}

/* NS(G^T) = NS(G)^T. Not square, the two inputs take the two branches
 * (transposed or not) onto the same m x n matrix, so the arithmetic is the
 * same and the results are bit for bit equal; square, only rounding differs. */
static void test_transpose(void **st)
{
	(void)st;
	static const size_t shapes[][2] = { { 5, 17 }, { 40, 9 }, { 16, 16 } };
	for (size_t s = 0; s < 3; s++)
		for (int be = GD_NS_BLAS; be <= GD_NS_OWN; be++) {
			size_t r = shapes[s][0], c = shapes[s][1];
			float *x = fvec(r * c), *xt = fvec(r * c);
			fill_gauss(x, r * c, 21 + s);
			for (size_t i = 0; i < r; i++)
				for (size_t j = 0; j < c; j++)
					xt[j * r + i] = x[i * c + j];
			run_ns(x, r, c, (gd_ns_backend)be, gd_cpu_get()->max, 5);
			run_ns(xt, c, r, (gd_ns_backend)be, gd_cpu_get()->max, 5);
			for (size_t i = 0; i < r; i++)
				for (size_t j = 0; j < c; j++) {
					float a = x[i * c + j], b = xt[j * r + i];
					if (r != c)
						assert_memory_equal(&a, &b, sizeof(float));
					else
						assert_true(fabs(a - b) <= 1e-5);
				}
			free(x), free(xt);
		}
}

/* steps 0 only normalizes: ||out||_F = ||G|| / (||G|| + eps) */
static void test_zero_steps(void **st)
{
	(void)st;
	float x[6] = { 3, 0, 0, 4, 0, 0 }; /* ||x|| = 5 */
	run_ns(x, 2, 3, GD_NS_BLAS, gd_cpu_get()->max, 0);
	assert_true(tu_close(x[0], 3 / (5 + 1e-7), 1e-6, 0));
	assert_true(tu_close(x[3], 4 / (5 + 1e-7), 1e-6, 0));
}

/* AUTO answers with a backend that ran, the same one for the shape next
 * time, and the same bits as that backend asked for directly. */
static void test_auto(void **st)
{
	(void)st;
	const size_t r = 48, c = 80;
	float *x = fvec(r * c), *y = fvec(r * c), *w = fvec(gd_ns_work_floats(r, c));
	gd_ns_opts o;
	gd_ns_opts_default(&o);
	gd_ns_backend first = GD_NS_NBACKEND, again = GD_NS_NBACKEND;
	for (int k = 0; k < 2; k++) {
		fill_gauss(x, r * c, 8);
		memcpy(y, x, r * c * sizeof(float));
		assert_int_equal(gd_ns_orthogonalize(x, r, c, &o, w, k ? &again : &first), 0);
	}
	assert_true(first == GD_NS_BLAS || first == GD_NS_OWN);
	assert_int_equal(first, again);
	run_ns(y, r, c, first, o.cap, 5);
	assert_memory_equal(x, y, r * c * sizeof(float));
	free(x), free(y), free(w);
}

/* Threads asking AUTO about a new shape at once all get the one pick
 * (measured once, under the lock) and results equal to that backend's. */
typedef struct auto_arg {
	float x[20 * 36];
	gd_ns_backend used;
	int rc;
} auto_arg;
static void *auto_thread(void *p)
{
	auto_arg *a = p;
	gd_ns_opts o;
	gd_ns_opts_default(&o);
	float *w = malloc(gd_ns_work_floats(20, 36) * sizeof(float));
	a->rc = w ? gd_ns_orthogonalize(a->x, 20, 36, &o, w, &a->used) : GD_ENOMEM;
	free(w);
	return NULL;
}
static void test_auto_threads(void **st)
{
	(void)st;
	enum { T = 4 };
	static auto_arg args[T];
	pthread_t th[T];
	for (int t = 0; t < T; t++) {
		fill_gauss(args[t].x, 20 * 36, 77);
		assert_int_equal(pthread_create(&th[t], NULL, auto_thread, &args[t]), 0);
	}
	for (int t = 0; t < T; t++)
		assert_int_equal(pthread_join(th[t], NULL), 0);
	for (int t = 0; t < T; t++) {
		assert_int_equal(args[t].rc, 0);
		assert_int_equal(args[t].used, args[0].used);
		assert_memory_equal(args[t].x, args[0].x, sizeof(args[0].x));
	}
}

static void test_bad_input(void **st)
{
	(void)st;
	gd_ns_opts o;
	gd_ns_opts_default(&o);
	float x[6] = { 1, 2, 3, 4, 5, 6 }, w[4096];
	assert_true(gd_ns_work_floats(2, 3) <= 4096);
	assert_int_equal(gd_ns_orthogonalize(NULL, 2, 3, &o, w, NULL), GD_EINVAL);
	assert_int_equal(gd_ns_orthogonalize(x, 2, 3, NULL, w, NULL), GD_EINVAL);
	assert_int_equal(gd_ns_orthogonalize(x, 2, 3, &o, NULL, NULL), GD_EINVAL);
	assert_int_equal(gd_ns_orthogonalize(x, 0, 3, &o, w, NULL), GD_EINVAL);
	assert_int_equal(gd_ns_orthogonalize(x, 2, 0, &o, w, NULL), GD_EINVAL);
	assert_int_equal(gd_ns_orthogonalize(x, (size_t)INT_MAX + 1, 1, &o, w, NULL), GD_EINVAL);
	assert_int_equal(gd_ns_orthogonalize(x, SIZE_MAX / 2, SIZE_MAX / 2, &o, w, NULL), GD_EINVAL);
	gd_ns_opts b = o;
	b.steps = -1;
	assert_int_equal(gd_ns_orthogonalize(x, 2, 3, &b, w, NULL), GD_EINVAL);
	b = o;
	b.backend = GD_NS_NBACKEND;
	assert_int_equal(gd_ns_orthogonalize(x, 2, 3, &b, w, NULL), GD_EINVAL);
	b = o;
	b.cap = GD_NISA;
	assert_int_equal(gd_ns_orthogonalize(x, 2, 3, &b, w, NULL), GD_EINVAL);
	b = o;
	b.eps = -1;
	assert_int_equal(gd_ns_orthogonalize(x, 2, 3, &b, w, NULL), GD_EINVAL);
	b = o;
	b.a = NAN;
	assert_int_equal(gd_ns_orthogonalize(x, 2, 3, &b, w, NULL), GD_EINVAL);
	/* refused calls leave x alone */
	static const float x0[6] = { 1, 2, 3, 4, 5, 6 };
	assert_memory_equal(x, x0, sizeof(x0));
	assert_int_equal(gd_ns_work_floats(0, 3), 0);
	assert_int_equal(gd_ns_work_floats((size_t)INT_MAX + 1, 2), 0);
	gd_ns_backend be;
	assert_int_equal(gd_ns_backend_from_name("cublas", &be), GD_EINVAL);
	assert_int_equal(gd_ns_backend_from_name(NULL, &be), GD_EINVAL);
}

/* Defaults, names and the FLOP count worked by hand. */
static void test_defaults_flops(void **st)
{
	(void)st;
	gd_ns_opts o;
	gd_ns_opts_default(&o);
	assert_int_equal(o.steps, 5);
	assert_true(o.a == 3.4445 && o.b == -4.7750 && o.c == 2.0315 && o.eps == 1e-7);
	assert_int_equal(o.backend, GD_NS_AUTO);
	assert_int_equal(o.cap, gd_cpu_get()->max);
	for (int b = 0; b < GD_NS_NBACKEND; b++) {
		gd_ns_backend got;
		assert_int_equal(gd_ns_backend_from_name(gd_ns_backend_name((gd_ns_backend)b), &got), 0);
		assert_int_equal(got, b);
	}
	assert_string_equal(gd_ns_backend_name(GD_NS_OWN), "own");
	/* 2 x 3, one step: X X^T as a triangle 2*3*3 = 18, A A 2*3*2 = 12,
	 * B X 2*2*2*3 = 24 */
	assert_true(gd_ns_flops(2, 3, 1) == 54.0);
	assert_true(gd_ns_flops(3, 2, 5) == 270.0);
	assert_true(gd_ns_flops(3, 2, 0) == 0.0);
}

int main(int argc, char **argv)
{
	static const tu_case cases[] = {
		TU_ISA_TEST(test_gemm_vs_naive),      TU_ISA_TEST(test_own_vs_double),
		TU_ISA_TEST(test_backends_agree),     TU_COMMON_TEST(test_blas_vs_double),
		TU_COMMON_TEST(test_singular_value_band), TU_COMMON_TEST(test_scale_invariance),
		TU_COMMON_TEST(test_transpose),       TU_COMMON_TEST(test_zero_steps),
		TU_COMMON_TEST(test_auto),            TU_COMMON_TEST(test_auto_threads),            TU_COMMON_TEST(test_bad_input),
		TU_COMMON_TEST(test_defaults_flops),
	};
	return tu_main(argc, argv, cases, sizeof(cases) / sizeof(cases[0]));
}
