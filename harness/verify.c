/* The checkasm-style comparison of an update row with its scalar reference (verify.h). */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gd_error.h"
#include "verify.h"

#define CANARY 12345.0f
#define CANARY16 0xbeefu
#define MAXN 127
static const size_t lens[] = { 1, 2, 3, 5, 7, 9, 13, 17, 31, 33, 63, 65, MAXN };
static const size_t offs[] = { 0, 1, 3 }; /* elements past a 64-byte boundary */
#define NL (sizeof(lens) / sizeof(lens[0]))
#define NO (sizeof(offs) / sizeof(offs[0]))

/* splitmix64 as a sequence: the inputs of one (row, length, offset, dtype) */
static float uniform(uint64_t *s, float lo, float hi)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	z ^= z >> 31;
	return lo + (hi - lo) * (float)((z >> 40) * 0x1.0p-24);
}

typedef gd_guarded sbuf;

static void canary_at(gd_store s, void *p, int set, int *ok)
{
	float c32 = CANARY;
	uint16_t c16 = CANARY16;
	const void *c = s == GD_ST_F32 ? (const void *)&c32 : (const void *)&c16;
	if (set)
		memcpy(p, c, gd_store_size(s));
	else
		*ok &= !memcmp(p, c, gd_store_size(s));
}

int gd_guarded_new(gd_guarded *b, gd_store s, size_t n, size_t off)
{
	size_t es = gd_store_size(s);
	b->base = aligned_alloc(64, ((n + off + 2) * es + 63) / 64 * 64 + 64);
	if (!b->base)
		return GD_ENOMEM;
	b->p = (char *)b->base + (1 + off) * es;
	b->n = n;
	b->s = s;
	canary_at(s, (char *)b->p - es, 1, NULL);
	canary_at(s, gd_store_at(s, b->p, n), 1, NULL);
	return 0;
}

int gd_guarded_intact(const gd_guarded *b, size_t *where)
{
	int before = 1, after = 1;
	canary_at(b->s, (char *)b->p - gd_store_size(b->s), 0, &before);
	canary_at(b->s, gd_store_at(b->s, b->p, b->n), 0, &after);
	if (where)
		*where = before ? b->n : SIZE_MAX;
	return before && after;
}

static void sfill(sbuf *b, uint64_t *seed, float lo, float hi)
{
	float f[MAXN];
	for (size_t i = 0; i < b->n; i++)
		f[i] = uniform(seed, lo, hi);
	gd_store_from_f32(b->s, b->p, f, b->n);
}

/*
 * The first element of got outside the tolerance of want, or SIZE_MAX.
 * f32 arrays: |got - want| <= rtol |want| + atol (NaN agrees only with NaN).
 * 16-bit arrays: at most 1 ulp apart (sign-magnitude order; NaN only with
 * NaN), or one ulp at the array's scale (its largest |value|): a rounding
 * flipped in an earlier step carries its old magnitude through cancellation
 * (m = b1*m + (1-b1)*g near 0).
 */
static size_t first_far(gd_store s, const void *got, const void *want, size_t n, double rtol, double atol,
                        float *fgot, float *fwant, char *tol, size_t tollen)
{
	gd_store_to_f32(s, fgot, got, n);
	gd_store_to_f32(s, fwant, want, n);
	if (s == GD_ST_F32) {
		snprintf(tol, tollen, "|got - expected| <= %.3g |expected| + %.3g", rtol, atol);
		for (size_t i = 0; i < n; i++) {
			double a = fgot[i], b = fwant[i];
			if ((isnan(a) || isnan(b)) ? !(isnan(a) && isnan(b)) : !(fabs(a - b) <= rtol * fabs(b) + atol))
				return i;
		}
		return SIZE_MAX;
	}
	float scale = 0;
	for (size_t i = 0; i < n; i++)
		scale = fabsf(fwant[i]) > scale ? fabsf(fwant[i]) : scale;
	double ulp_scale = (s == GD_ST_BF16 ? 0x1p-7 : 0x1p-10) * scale;
	snprintf(tol, tollen, "1 %s ulp, or %.3g (1 ulp at the array's largest value)", s == GD_ST_BF16 ? "bf16" : "f16",
	         ulp_scale);
	for (size_t i = 0; i < n; i++) {
		uint16_t a, b;
		memcpy(&a, (const char *)got + 2 * i, 2);
		memcpy(&b, (const char *)want + 2 * i, 2);
		if (isnan(fgot[i]) || isnan(fwant[i])) {
			if (!(isnan(fgot[i]) && isnan(fwant[i])))
				return i;
			continue;
		}
		int oa = a & 0x8000 ? -(int)(a & 0x7fff) : (int)a, ob = b & 0x8000 ? -(int)(b & 0x7fff) : (int)b;
		if (abs(oa - ob) > 1 && !(fabs((double)fgot[i] - fwant[i]) <= ulp_scale))
			return i;
	}
	return SIZE_MAX;
}

/* One length and offset: 0, GD_EVERIFY (mm filled but for row and dt), GD_ENOMEM. */
static int verify_one(const gd_update_entry *e, const gd_update_entry *ref, gd_dtype d, const gd_hparams *hp,
                      size_t n, size_t off, uint64_t seed, gd_mismatch *mm)
{
	gd_store sp = gd_dtype_param(d), sg = gd_dtype_grad(d), ss = gd_dtype_state(d);
	/*
	 * Tolerance:
	 *   - f32 arrays: 64 ulp relative and 128 ulp absolute of f32 (a few
	 *     steps of ~12 operations, FMA against separate roundings);
	 *   - 16-bit arrays: 1 ulp of the storage type (first_far). Both sides
	 *     round the same fp32 value (nearest even, or SR with the same random
	 *     bits: same key, salt and index), which differs by the f32 error
	 *     above and can flip a rounding boundary;
	 *   - f32 state in a row with 16-bit parameters: the f32 bound plus the
	 *     reach of a flipped w (one 16-bit ulp, relative u = 2^-7 bf16, 2^-10
	 *     f16) through the L2 term (0.01 w, |w| <= ~1): rtol += u, atol += 0.01 u.
	 */
	double u = sp == GD_ST_BF16 ? 0x1p-7 : sp == GD_ST_F16 ? 0x1p-10 : 0;
	double rtol = 64 * 0x1p-24 + u, atol = 128 * 0x1p-24 + 0.01 * u;
	int ns = gd_rule_nstate(e->rule, hp), rc = 0;
	sbuf w[2] = { 0 }, g = { 0 }, s[2][GD_MAX_STATE] = { 0 };
	void *st[2][GD_MAX_STATE];
	rc = gd_guarded_new(&g, sg, n, off);
	for (int v = 0; v < 2 && !rc; v++) {
		rc = gd_guarded_new(&w[v], sp, n, off);
		for (int k = 0; k < GD_MAX_STATE && !rc; k++) {
			rc = gd_guarded_new(&s[v][k], ss, n, off);
			st[v][k] = s[v][k].p;
		}
		if (!rc)
			gd_state_init_as(e->rule, hp, st[v], n, ss);
	}
	if (rc)
		goto out;
	sfill(&w[0], &seed, -1, 1);
	memcpy(w[1].p, w[0].p, n * gd_store_size(sp));
	gd_step_carry c[2] = { gd_step_carry_init(), gd_step_carry_init() };
	for (int t = 1; t <= GD_VERIFY_STEPS; t++) {
		sfill(&g, &seed, -1, 1);
		for (int v = 0; v < 2; v++) {
			gd_step stp;
			gd_step_prepare(e->rule, hp, t, hp->lr, 1.0, &c[v], &stp);
			stp.sr_key = gd_sr_key(seed, t);
			/* an offset into the whole vector, as a chunk of it would have */
			(v ? e : ref)->fn[d](hp, &stp, w[v].p, g.p, st[v], n, 1000 * off);
		}
	}
	float fgot[MAXN], fwant[MAXN];
	mm->n = n;
	mm->offset = off;
	for (int k = -1; k < ns; k++) { /* w, then each state array */
		const sbuf *got = k < 0 ? &w[1] : &s[1][k], *want = k < 0 ? &w[0] : &s[0][k];
		size_t i = first_far(got->s, got->p, want->p, n, rtol, atol, fgot, fwant, mm->tolerance,
		                     sizeof(mm->tolerance));
		if (k < 0)
			snprintf(mm->array, sizeof(mm->array), "w");
		else
			snprintf(mm->array, sizeof(mm->array), "state %d", k);
		if (i != SIZE_MAX) {
			mm->element = i;
			mm->expected = fwant[i];
			mm->got = fgot[i];
			rc = GD_EVERIFY;
			goto out;
		}
	}
	for (int k = -1; k < GD_MAX_STATE; k++) {
		const sbuf *b = k < 0 ? &w[1] : &s[1][k];
		if (!gd_guarded_intact(b, &mm->element)) {
			if (k < 0)
				snprintf(mm->array, sizeof(mm->array), "outside w");
			else
				snprintf(mm->array, sizeof(mm->array), "outside state %d", k);
			snprintf(mm->tolerance, sizeof(mm->tolerance), "the canary left as it was");
			mm->expected = b->s == GD_ST_F32 ? CANARY : (double)CANARY16;
			mm->got = NAN;
			rc = GD_EVERIFY;
			goto out;
		}
	}
out:
	for (int v = 0; v < 2; v++) {
		free(w[v].base);
		for (int k = 0; k < GD_MAX_STATE; k++)
			free(s[v][k].base);
	}
	free(g.base);
	return rc;
}

int gd_verify_update(const gd_update_entry *e, const gd_update_entry *ref, gd_dtype dt, gd_mismatch *mm)
{
	if ((unsigned)dt >= GD_NDT || !e->fn[dt] || !ref->fn[dt] || e->rule != ref->rule)
		return GD_EINVAL;
	memset(mm, 0, sizeof(*mm));
	snprintf(mm->row, sizeof(mm->row), "%s", e->name);
	mm->dt = dt;
	gd_hparams hp;
	gd_hparams_default(e->rule, &hp);
	hp.weight_decay = 0.01; /* the prologue's L2 (or decoupled decay) path too */
	uint64_t ri = 1469598103934665603ull; /* FNV-1a of the name: each row its own inputs */
	for (const char *c = e->name; *c; c++)
		ri = (ri ^ (unsigned char)*c) * 1099511628211ull;
	for (size_t li = 0; li < NL; li++)
		for (size_t oi = 0; oi < NO; oi++) {
			uint64_t seed = 0xc4ec + ri * 977 + li * 31 + oi + (uint64_t)dt * 7919;
			int rc = verify_one(e, ref, dt, &hp, lens[li], offs[oi], seed, mm);
			if (rc)
				return rc;
		}
	return 0;
}

/* A gradient problem of verify_grad: n rows of d features, random in [-1, 1). */
typedef struct gproblem {
	gd_model m;
	float *x, *y, *params, *g[2], *scratch;
	int32_t *label;
	uint32_t *idx;
} gproblem;

static void gproblem_free(gproblem *P)
{
	void *all[] = { P->x, P->y, P->params, P->g[0], P->g[1], P->scratch, P->label, P->idx };
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		free(all[i]);
}

static void *galloc(size_t bytes, int *ok)
{
	void *p = aligned_alloc(64, (bytes + 63) / 64 * 64 + 64);
	*ok &= p != NULL;
	return p;
}

/* 0 or GD_ENOMEM (P freed by the caller either way) */
static int gproblem_make(gproblem *P, gd_model_kind k, size_t n, uint64_t seed)
{
	memset(P, 0, sizeof(*P));
	int binary = k == GD_MODEL_LSQ || k == GD_MODEL_LOGISTIC, ok = 1;
	P->m = (gd_model){ .kind = k, .d = 37, .c = binary ? 1 : 10, .h = k == GD_MODEL_MLP ? 19 : 0, .l1 = 0.01, .l2 = 0.1 };
	size_t np = gd_model_nparams(&P->m), d = P->m.d;
	P->x = galloc(n * d * sizeof(float), &ok);
	P->y = galloc(n * sizeof(float), &ok);
	P->label = galloc(n * sizeof(int32_t), &ok);
	P->idx = galloc(n * sizeof(uint32_t), &ok);
	P->params = galloc(np * sizeof(float), &ok);
	P->g[0] = galloc(np * sizeof(float), &ok);
	P->g[1] = galloc(np * sizeof(float), &ok);
	P->scratch = galloc(gd_grad_scratch_floats(&P->m, n) * sizeof(float), &ok);
	if (!ok)
		return GD_ENOMEM;
	for (size_t i = 0; i < n * d; i++)
		P->x[i] = uniform(&seed, -1.0f, 1.0f);
	for (size_t i = 0; i < n; i++) {
		P->y[i] = uniform(&seed, -2.0f, 2.0f);
		int32_t nc = k == GD_MODEL_LOGISTIC ? 2 : (int32_t)P->m.c, l = (int32_t)(uniform(&seed, 0, 1) * (float)nc);
		P->label[i] = l < nc ? l : nc - 1;
		P->idx[i] = (uint32_t)((i * 7 + 3) % n); /* a permutation when gcd(7, n) = 1 */
	}
	for (size_t j = 0; j < np; j++)
		P->params[j] = uniform(&seed, -0.5f, 0.5f);
	return 0;
}

const size_t gd_verify_grad_batches[GD_VERIFY_GRAD_NB] = { 1, 3, 5, 64, 130 };

int gd_verify_grad(const gd_grad_entry *e, const gd_grad_entry *ref, gd_mismatch *mm)
{
	if (!e || !ref || e->model != ref->model)
		return GD_EINVAL;
	memset(mm, 0, sizeof(*mm));
	snprintf(mm->row, sizeof(mm->row), "%s", e->name);
	mm->grad = 1;
	for (size_t t = 0; t < GD_VERIFY_GRAD_NB; t++) {
		size_t n = gd_verify_grad_batches[t];
		gproblem P;
		int rc = gproblem_make(&P, e->model, n, 0xabc + t);
		size_t np = gd_model_nparams(&P.m);
		for (int use_idx = 0; use_idx <= 1 && !rc; use_idx++) {
			gd_batch b = { .x = P.x, .ld = P.m.d, .y = P.y, .label = P.label, .idx = use_idx ? P.idx : NULL, .n = n };
			double want = ref->fn(&P.m, P.params, &b, P.g[0], P.scratch);
			for (size_t j = 0; j < np; j++)
				P.g[1][j] = NAN; /* poison: the variant must overwrite every entry */
			double got = e->fn(&P.m, P.params, &b, P.g[1], P.scratch);
			double gmax = 0;
			for (size_t j = 0; j < np; j++)
				gmax = fmax(gmax, fabs(P.g[0][j]));
			/*
			 * The variants accumulate in other orders (FMAs, row blocks,
			 * sgemm's blocking); over d = 37 terms and <= 130 rows that
			 * moves results by ~1e-6 of the largest gradient entry: the
			 * bound is 1e-4 of it. The loss sum: 1e-5 relative.
			 */
			double atol = 1e-4 * gmax + 1e-7;
			mm->n = n;
			mm->offset = (size_t)use_idx;
			snprintf(mm->tolerance, sizeof(mm->tolerance), "|got - expected| <= %.3g (1e-4 of the largest |entry|)", atol);
			for (size_t j = 0; j < np && !rc; j++)
				if (isnan(P.g[1][j]) != isnan(P.g[0][j]) || !(fabs((double)P.g[1][j] - P.g[0][j]) <= atol)) {
					snprintf(mm->array, sizeof(mm->array), "grad");
					mm->element = j;
					mm->expected = P.g[0][j];
					mm->got = P.g[1][j];
					rc = GD_EVERIFY;
				}
			if (!rc && !(fabs(got - want) <= 1e-5 * fabs(want) + 1e-7)) {
				snprintf(mm->array, sizeof(mm->array), "loss sum");
				snprintf(mm->tolerance, sizeof(mm->tolerance), "|got - expected| <= 1e-05 |expected| + 1e-07");
				mm->element = 0;
				mm->expected = want;
				mm->got = got;
				rc = GD_EVERIFY;
			}
		}
		gproblem_free(&P);
		if (rc)
			return rc;
	}
	return 0;
}

void gd_mismatch_describe(const gd_mismatch *mm, char *buf, size_t len)
{
	if (mm->grad)
		snprintf(buf, len, "%s: %s[%zu] = %.9g, expected %.9g (tolerance %s), at batch %zu (%s rows, d = 37)", mm->row,
		         mm->array, mm->element, mm->got, mm->expected, mm->tolerance, mm->n,
		         mm->offset ? "index-list" : "contiguous");
	else if (!strncmp(mm->array, "outside", 7))
		snprintf(buf, len, "%s at %s: wrote %s (element %s) at n = %zu, offset %zu", mm->row,
		         gd_dtype_name(mm->dt), mm->array, mm->element == SIZE_MAX ? "-1" : "n", mm->n, mm->offset);
	else
		snprintf(buf, len, "%s at %s: %s[%zu] = %.9g, expected %.9g (tolerance %s), at n = %zu, offset %zu, after %d steps",
		         mm->row, gd_dtype_name(mm->dt), mm->array, mm->element, mm->got, mm->expected, mm->tolerance, mm->n,
		         mm->offset, GD_VERIFY_STEPS);
}
