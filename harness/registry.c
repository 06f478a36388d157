/* The update-rule table: generated from the rule list, five variants each, best first. */
#include <stdio.h>
#include <string.h>

#include "gd_error.h"
#include "plugins.h"
#include "registry.h"

/* A row's kernels, one per dtype in GD_DTYPE_MAP order (gd_update_entry.fn). */
#define FN(up, dt, p, g, s, sr, lo, v) gd_##lo##_##dt##_##v,
#define FNS(lo, v) { GD_DTYPE_MAP(FN, lo, v) }

/*
 * The rows of each architecture, best first, scalar last: one row per
 * variant that kernels/meson.build builds for the host (the libraries of
 * the other architectures do not exist there).
 */
#if defined(__x86_64__)
#define ROWS(up, lo, ...)                                                                     \
	{ #lo "/simd/avx512", GD_RULE_##up, GD_IMPL_SIMD, GD_ISA_AVX512, FNS(lo, avx512) },      \
	{ #lo "/auto/avx512", GD_RULE_##up, GD_IMPL_AUTO, GD_ISA_AVX512, FNS(lo, auto_avx512) }, \
	{ #lo "/simd/avx2", GD_RULE_##up, GD_IMPL_SIMD, GD_ISA_AVX2, FNS(lo, avx2) },            \
	{ #lo "/auto/avx2", GD_RULE_##up, GD_IMPL_AUTO, GD_ISA_AVX2, FNS(lo, auto_avx2) },       \
	{ #lo "/scalar", GD_RULE_##up, GD_IMPL_SCALAR, GD_ISA_SCALAR, FNS(lo, scalar) },
#define GRAD_ROWS(up, lo)                                                                           \
	{ #lo "/simd/avx512", GD_MODEL_##up, GD_IMPL_SIMD, GD_ISA_AVX512, gd_##lo##_grad_f32_avx512 },      \
	{ #lo "/blas/avx512", GD_MODEL_##up, GD_IMPL_BLAS, GD_ISA_AVX512, gd_##lo##_grad_f32_blas_avx512 }, \
	{ #lo "/simd/avx2", GD_MODEL_##up, GD_IMPL_SIMD, GD_ISA_AVX2, gd_##lo##_grad_f32_avx2 },            \
	{ #lo "/blas/avx2", GD_MODEL_##up, GD_IMPL_BLAS, GD_ISA_AVX2, gd_##lo##_grad_f32_blas_avx2 },       \
	{ #lo "/scalar", GD_MODEL_##up, GD_IMPL_SCALAR, GD_ISA_SCALAR, gd_##lo##_grad_f32_scalar },
#define CSR_ROWS(lo, up)                                                                                \
	{ #lo "-csr/simd/avx512", GD_MODEL_##up, GD_IMPL_SIMD, GD_ISA_AVX512, gd_##lo##_csr_grad_f32_avx512 }, \
	{ #lo "-csr/simd/avx2", GD_MODEL_##up, GD_IMPL_SIMD, GD_ISA_AVX2, gd_##lo##_csr_grad_f32_avx2 },       \
	{ #lo "-csr/scalar", GD_MODEL_##up, GD_IMPL_SCALAR, GD_ISA_SCALAR, gd_##lo##_csr_grad_f32_scalar },
#elif defined(__aarch64__)
#define ROWS(up, lo, ...)                                                                     \
	{ #lo "/simd/sve", GD_RULE_##up, GD_IMPL_SIMD, GD_ISA_SVE, FNS(lo, sve) },               \
	{ #lo "/auto/sve", GD_RULE_##up, GD_IMPL_AUTO, GD_ISA_SVE, FNS(lo, auto_sve) },          \
	{ #lo "/simd/neon", GD_RULE_##up, GD_IMPL_SIMD, GD_ISA_NEON, FNS(lo, neon) },            \
	{ #lo "/auto/neon", GD_RULE_##up, GD_IMPL_AUTO, GD_ISA_NEON, FNS(lo, auto_neon) },       \
	{ #lo "/scalar", GD_RULE_##up, GD_IMPL_SCALAR, GD_ISA_SCALAR, FNS(lo, scalar) },
#define GRAD_ROWS(up, lo)                                                                           \
	{ #lo "/simd/sve", GD_MODEL_##up, GD_IMPL_SIMD, GD_ISA_SVE, gd_##lo##_grad_f32_sve },               \
	{ #lo "/blas/sve", GD_MODEL_##up, GD_IMPL_BLAS, GD_ISA_SVE, gd_##lo##_grad_f32_blas_sve },          \
	{ #lo "/simd/neon", GD_MODEL_##up, GD_IMPL_SIMD, GD_ISA_NEON, gd_##lo##_grad_f32_neon },            \
	{ #lo "/blas/neon", GD_MODEL_##up, GD_IMPL_BLAS, GD_ISA_NEON, gd_##lo##_grad_f32_blas_neon },       \
	{ #lo "/scalar", GD_MODEL_##up, GD_IMPL_SCALAR, GD_ISA_SCALAR, gd_##lo##_grad_f32_scalar },
/* CSR kernels stay scalar on ARM: no gather variant has been measured faster */
#define CSR_ROWS(lo, up) \
	{ #lo "-csr/scalar", GD_MODEL_##up, GD_IMPL_SCALAR, GD_ISA_SCALAR, gd_##lo##_csr_grad_f32_scalar },
#else
#define ROWS(up, lo, ...) { #lo "/scalar", GD_RULE_##up, GD_IMPL_SCALAR, GD_ISA_SCALAR, FNS(lo, scalar) },
#define GRAD_ROWS(up, lo) \
	{ #lo "/scalar", GD_MODEL_##up, GD_IMPL_SCALAR, GD_ISA_SCALAR, gd_##lo##_grad_f32_scalar },
#define CSR_ROWS(lo, up) \
	{ #lo "-csr/scalar", GD_MODEL_##up, GD_IMPL_SCALAR, GD_ISA_SCALAR, gd_##lo##_csr_grad_f32_scalar },
#endif

const gd_update_entry gd_update_table[] = { GD_RULE_MAP(ROWS) };
const size_t gd_update_count = sizeof(gd_update_table) / sizeof(gd_update_table[0]);

const gd_grad_entry gd_grad_table[] = { GD_MODEL_MAP(GRAD_ROWS) };
const size_t gd_grad_count = sizeof(gd_grad_table) / sizeof(gd_grad_table[0]);

const gd_grad_entry gd_csr_table[] = { CSR_ROWS(lsq, LSQ) CSR_ROWS(logistic, LOGISTIC) CSR_ROWS(softmax, SOFTMAX) };
const size_t gd_csr_count = sizeof(gd_csr_table) / sizeof(gd_csr_table[0]);

/*
 * --impl best on CSR rows. Measured here (Zen 5, `gdbench kernels --what
 * sparse`: 2^18 features, ~8 nonzeros per row, median of 3): for lsq and
 * logistic (c = 1) the scalar loops beat the gathers at every batch
 * (logistic B=32: scalar 2.32e7 rows/s, avx2 1.89e7, avx512 1.52e7): the
 * time goes to the random accesses into w, which vector loads do not make
 * fewer, and a gather of ~8 lanes costs more than 8 loads. For softmax
 * (feature-major W: one class-vector FMA per nonzero) AVX2 is ahead (B=32:
 * 4.78e6 against scalar 4.11e6 and avx512 3.94e6; B=256: 4.62e6, 3.84e6,
 * 4.44e6).
 */
const gd_grad_entry *gd_csr_best(gd_model_kind k, gd_isa cap)
{
#if defined(__x86_64__)
	gd_isa want = k == GD_MODEL_SOFTMAX && cap >= GD_ISA_AVX2 ? GD_ISA_AVX2 : GD_ISA_SCALAR;
#else
	gd_isa want = GD_ISA_SCALAR;
	(void)cap;
#endif
	for (size_t i = 0; i < gd_csr_count; i++)
		if (gd_csr_table[i].model == k && gd_csr_table[i].isa == want)
			return &gd_csr_table[i];
	return NULL;
}

const gd_grad_entry *gd_csr_scalar(gd_model_kind k)
{
	for (size_t i = 0; i < gd_csr_count; i++)
		if (gd_csr_table[i].model == k && gd_csr_table[i].impl == GD_IMPL_SCALAR)
			return &gd_csr_table[i];
	return NULL;
}

/* The fastest SIMD variant runnable at cap (tests, --impl simd). */
const gd_grad_entry *gd_csr_simd(gd_model_kind k, gd_isa cap)
{
	for (size_t i = 0; i < gd_csr_count; i++)
		if (gd_csr_table[i].model == k && gd_csr_table[i].impl == GD_IMPL_SIMD && gd_csr_table[i].isa <= cap)
			return &gd_csr_table[i];
	return NULL;
}

const gd_grad_entry *gd_grad_by_name(const char *name)
{
	for (size_t i = 0; i < gd_grad_rows(); i++) /* built-in rows, then plugins' */
		if (!strcmp(gd_grad_row(i)->name, name))
			return gd_grad_row(i);
	return NULL;
}

static const gd_grad_entry *grad_first(gd_model_kind k, gd_isa cap, int impl)
{
	for (size_t i = 0; i < gd_grad_count; i++) {
		const gd_grad_entry *e = &gd_grad_table[i];
		if (e->model == k && e->isa <= cap && (impl < 0 || (int)e->impl == impl))
			return e;
	}
	return NULL;
}

const gd_grad_entry *gd_grad_scalar(gd_model_kind k)
{
	return grad_first(k, GD_ISA_SCALAR, GD_IMPL_SCALAR);
}

/*
 * The rule for --impl best: the simd variant at the highest allowed ISA, at
 * every batch size.
 * - Zen 5 (AVX-512; OpenBLAS 0.3.21 on the Haswell core that environment
 *   forced): softmax/svm simd/avx512 ran 2.2-4x faster than blas/avx512
 *   from B = 1 to 60000 rows, lsq/logistic 4-6x, the MLP 1.45-1.6x at
 *   B >= 32 (results/kernels-grad.json of issue 3's note).
 * - Zen 3 (AVX2; OpenBLAS 0.3.21 running its own "Zen" core, no
 *   OPENBLAS_CORETYPE), issue 19, `gdbench kernels --what grad --models mlp
 *   --impl simd,blas --batches 1,32,128,256,1024,full --min-time 0.2`, 4
 *   runs side by side on the loaded 2-vCPU VM: since the simd backward is a
 *   GEMM microkernel, mlp simd/avx2 beat blas/avx2 in 14 of 20 pairs at
 *   B >= 32 (simd/blas median 1.12, range 0.78-1.40; 0.44-0.82 of the FMA
 *   peak against 0.37-0.69) and 2.5x at B = 1. The earlier exception (blas
 *   for the MLP capped at AVX2, B >= 32: 89-92 GFLOP/s against 76-80 on
 *   Zen 5 with 4-row blocks) is gone. softmax/svm simd/avx2 were already
 *   1.1-2.4x ahead of blas/avx2 on Zen 3 before issue 19's kernels.
 * - Zen 3 again (2026-12-03, OpenBLAS "Zen" core), after the MLP's bwd1
 *   prefetch, `gdbench kernels --what grad --models mlp --impl simd,blas
 *   --batches 32,128,256,1024,full --min-time 0.3`, 4 runs, simd/blas
 *   medians [range]: B = 32 1.46 [1.13, 1.67], 128 1.07 [0.93, 1.21], 256
 *   0.94 [0.86, 1.01], 1024 0.91 [0.78, 1.09], full 1.01 [0.85, 1.30];
 *   softmax, svm, lsq, logistic simd 1.6-5.4x at every B (3 runs). blas is
 *   ahead at B = 256-1024 by less than the spread of the runs, on one CPU:
 *   not enough to make the rule depend on the core, so simd stays.
 */
const gd_grad_entry *gd_grad_best(gd_model_kind k, gd_isa cap, size_t n)
{
	(void)n; /* no batch size has measured a blas variant ahead */
	return grad_first(k, cap, -1);
}

float gd_read_rows_best(const gd_batch *b, size_t d)
{
	/* the process's ceiling, whatever --isa caps (GDBENCH_ISA lowers it) */
	switch (gd_cpu_get()->max) {
#if defined(__x86_64__)
	case GD_ISA_AVX512: return gd_read_rows_f32_avx512(b, d);
	case GD_ISA_AVX2: return gd_read_rows_f32_avx2(b, d);
#elif defined(__aarch64__)
	case GD_ISA_SVE: return gd_read_rows_f32_sve(b, d);
	case GD_ISA_NEON: return gd_read_rows_f32_neon(b, d);
#endif
	default: break;
	}
	float s = 0;
	for (size_t k = 0; k < b->n; k++)
		for (size_t i = 0; i < d; i++)
			s += b->x[gd_batch_row(b, k) * b->ld + i];
	return s;
}

static const char *const impl_names[GD_NIMPL] = { "scalar", "auto", "simd", "blas" };

const char *gd_impl_name(gd_impl impl)
{
	const char *plugin = gd_plugin_impl_name((int)impl - GD_IMPL_PLUGIN_FIRST);
	return (unsigned)impl < GD_NIMPL ? impl_names[impl] : plugin ? plugin : "?";
}

int gd_impl_parse(const char *list, unsigned *set, char *bad, size_t badlen)
{
	char word[32];
	*set = 0;
	for (const char *p = list; *p;) {
		size_t len = strcspn(p, ",");
		if (len == 0 || len >= sizeof(word)) {
			snprintf(bad, badlen, "%.*s", len ? (int)len : 7, len ? p : "(empty)");
			return GD_EINVAL;
		}
		memcpy(word, p, len);
		word[len] = 0;
		int found = 0;
		if (!strcmp(word, "best")) {
			*set |= GD_IMPL_BEST_BIT;
			found = 1;
		} else if (!strcmp(word, "all")) {
			*set |= (1u << GD_NIMPL) - 1;
			for (int k = 0; gd_plugin_impl_name(k); k++)
				*set |= 1u << (GD_IMPL_PLUGIN_FIRST + k);
			found = 1;
		}
		for (int i = 0; i < GD_NIMPL && !found; i++)
			if (!strcmp(word, impl_names[i])) {
				*set |= 1u << i;
				found = 1;
			}
		for (int k = 0; gd_plugin_impl_name(k) && !found; k++) /* a loaded plugin's impl */
			if (!strcmp(word, gd_plugin_impl_name(k))) {
				*set |= 1u << (GD_IMPL_PLUGIN_FIRST + k);
				found = 1;
			}
		if (!found) {
			snprintf(bad, badlen, "%s", word);
			return GD_EINVAL;
		}
		p += len + (p[len] == ',');
	}
	if (!*set) {
		snprintf(bad, badlen, "(empty)");
		return GD_EINVAL;
	}
	return 0;
}

const gd_update_entry *gd_update_by_name(const char *name)
{
	for (size_t i = 0; i < gd_update_rows(); i++)
		if (!strcmp(gd_update_row(i)->name, name))
			return gd_update_row(i);
	return NULL;
}

/* A plugin rule (r >= GD_NRULES) has only plugin rows: its variants in the
 * order registered, then its reference, impl scalar (plugin.c). */
const gd_update_entry *gd_update_best(gd_rule r, gd_isa cap)
{
	size_t from = (unsigned)r < GD_NRULES ? 0 : gd_update_count, to = (unsigned)r < GD_NRULES ? gd_update_count : gd_update_rows();
	const gd_update_entry *ref = NULL;
	for (size_t i = from; i < to; i++) {
		const gd_update_entry *e = gd_update_row(i);
		if (e->rule != r || e->isa > cap)
			continue;
		if (e->impl != GD_IMPL_SCALAR || from == 0)
			return e;
		ref = e;
	}
	return ref;
}

const gd_update_entry *gd_update_scalar(gd_rule r)
{
	for (size_t i = (unsigned)r < GD_NRULES ? 0 : gd_update_count; i < gd_update_rows(); i++)
		if (gd_update_row(i)->rule == r && gd_update_row(i)->impl == GD_IMPL_SCALAR)
			return gd_update_row(i);
	return NULL;
}

const gd_update_entry *gd_update_pick(gd_rule r, gd_isa cap, unsigned impls, gd_dtype dt)
{
	if (!(impls & GD_IMPL_PLUGIN_BITS)) {
		const gd_update_entry *e = gd_update_best(r, cap);
		return e && e->fn[dt] ? e : e && (unsigned)r >= GD_NRULES && gd_update_scalar(r)->fn[dt] ? gd_update_scalar(r) : e;
	}
	for (size_t i = gd_update_count; i < gd_update_rows(); i++) {
		const gd_update_entry *e = gd_update_row(i);
		if (e->rule == r && e->isa <= cap && (impls & (1u << e->impl)) && e->fn[dt])
			return e;
	}
	return NULL;
}

/* The memory-only ceilings of one level, per dtype. */
#define SFN(up, dt, p, g, s, sr, v) gd_stream_##dt##_##v,
#define STREAMS(v) { GD_DTYPE_MAP(SFN, v) }
static const gd_stream_fn streams[GD_NISA][GD_NDT] = {
	STREAMS(scalar),
#if defined(__x86_64__)
	STREAMS(avx2), STREAMS(avx512),
#elif defined(__aarch64__)
	STREAMS(neon), STREAMS(sve),
#endif
};

gd_stream_fn gd_stream_best(gd_isa cap, gd_dtype dt)
{
	/* every level below GD_NISA is built on the architecture of its ISA */
	return streams[(unsigned)cap < GD_NISA ? cap : GD_ISA_SCALAR][(unsigned)dt < GD_NDT ? dt : GD_DT_F32];
}

/* The vector layer's conversions of each level; scalar is dtype.h's reference. */
#define CONVERT(v) { gd_narrow_##v, gd_widen_##v }
static const gd_convert_set converts[GD_NISA] = {
	CONVERT(scalar),
#if defined(__x86_64__)
	CONVERT(avx2), CONVERT(avx512),
#elif defined(__aarch64__)
	CONVERT(neon), CONVERT(sve),
#endif
};

const gd_convert_set *gd_convert_for(gd_isa isa)
{
	return &converts[(unsigned)isa < GD_NISA ? isa : GD_ISA_SCALAR];
}

/* The roofline probes of each level; scalar is the portable one. */
#define PROBE(v) { gd_copy_f32_##v, gd_triad_f32_##v, gd_fma_peak_##v, gd_peak_lanes_##v, gd_transpose_f32_##v }
static const gd_probe_set probes[GD_NISA] = {
	PROBE(scalar),
#if defined(__x86_64__)
	PROBE(avx2), PROBE(avx512),
#elif defined(__aarch64__)
	PROBE(neon), PROBE(sve),
#endif
};

const gd_probe_set *gd_probe_for(gd_isa isa)
{
	return &probes[(unsigned)isa < GD_NISA ? isa : GD_ISA_SCALAR];
}
