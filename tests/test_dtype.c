/*
 * Storage dtypes (kernels/dtype.h): the scalar reference conversions at
 * their edges and over every 16-bit pattern, the --dtype names, stochastic
 * rounding's mean and reproducibility, the vector layer's conversions at
 * each level against the scalar ones bit for bit, per-tensor against chunked
 * kernel calls (off), and why SR matters: bf16 SGD that stalls to nearest.
 */
#include <float.h>
#include <stdlib.h>
#include <string.h>

#include "dtype.h"
#include "registry.h"
#include "testutil.h"

static uint32_t fbits(float x) { return gd__f32_bits(x); }
static float bitsf(uint32_t u) { return gd__bits_f32(u); }
static uint16_t bf(float x) { return gd_bf16_rne(x).bits; }
static uint16_t hf(float x) { return gd_f16_rne(x).bits; }
static float bf_f(uint16_t b) { gd_bf16 h = { b }; return gd_bf16_to_f32(h); }
static float hf_f(uint16_t b) { gd_f16 h = { b }; return gd_f16_to_f32(h); }

static void test_edges(void **unused)
{
	(void)unused;
	/* bf16: NaN of either sign stays NaN, quiet, sign kept */
	assert_int_equal(bf(bitsf(0x7f800001u)), 0x7fc0);
	assert_int_equal(bf(bitsf(0xff800001u)), 0xffc0);
	assert_int_equal(bf(bitsf(0x7fc00000u)), 0x7fc0);
	assert_int_equal(bf(INFINITY), 0x7f80);
	assert_int_equal(bf(-INFINITY), 0xff80);
	assert_int_equal(bf(0.0f), 0x0000);
	assert_int_equal(bf(-0.0f), 0x8000);
	assert_int_equal(bf(bitsf(0x00000001u)), 0x0000); /* the smallest denormal rounds to 0 */
	assert_int_equal(bf(bitsf(0x00018000u)), 0x0002); /* a denormal tie rounds to even */
	assert_int_equal(bf(bitsf(0x7f7f7fffu)), 0x7f7f); /* largest finite stays */
	assert_int_equal(bf(bitsf(0x7f7f8000u)), 0x7f80); /* past it: Inf */
	assert_int_equal(bf(FLT_MAX), 0x7f80);
	assert_int_equal(bf(bitsf(0x3f808000u)), 0x3f80); /* tie, even below */
	assert_int_equal(bf(bitsf(0x3f818000u)), 0x3f82); /* tie, even above */
	assert_int_equal(bf(bitsf(0x3f808001u)), 0x3f81);
	/* bf16 SR keeps Inf and NaN, truncates with zero bits, rounds up with all ones */
	assert_int_equal(gd_bf16_sr(INFINITY, 0xffff).bits, 0x7f80);
	assert_int_equal(gd_bf16_sr(-INFINITY, 0xffff).bits, 0xff80);
	assert_int_equal(gd_bf16_sr(bitsf(0xff800001u), 0).bits, 0xffc0);
	assert_int_equal(gd_bf16_sr(bitsf(0x3f80ffffu), 0).bits, 0x3f80);
	assert_int_equal(gd_bf16_sr(bitsf(0x3f800001u), 0xffff).bits, 0x3f81);

	/* f16 */
	assert_int_equal(hf(bitsf(0x7f800001u)), 0x7e00);
	assert_int_equal(hf(bitsf(0xffc00000u)), 0xfe00);
	assert_int_equal(hf(INFINITY), 0x7c00);
	assert_int_equal(hf(-INFINITY), 0xfc00);
	assert_int_equal(hf(0.0f), 0x0000);
	assert_int_equal(hf(-0.0f), 0x8000);
	assert_int_equal(hf(65504.0f), 0x7bff);      /* largest finite */
	assert_int_equal(hf(65519.99f), 0x7bff);
	assert_int_equal(hf(65520.0f), 0x7c00);      /* the tie past it: Inf */
	assert_int_equal(hf(-1e6f), 0xfc00);
	assert_int_equal(hf(0x1p-24f), 0x0001);      /* smallest subnormal */
	assert_int_equal(hf(0x1p-25f), 0x0000);      /* its half: tie to even 0 */
	assert_int_equal(hf(0x1.8p-24f), 0x0002);    /* 1.5 of it: tie to even 2 */
	assert_int_equal(hf(0x1p-14f), 0x0400);      /* smallest normal */
	assert_int_equal(hf(0x1.ff8p-15f), 0x03ff);  /* largest subnormal */
	assert_int_equal(hf(0x1.ffcp-15f), 0x0400);  /* its tie with 2^-14 rounds to even, into the normals */
	assert_int_equal(hf(bitsf(0x00000001u)), 0x0000); /* f32 denormal */
	assert_int_equal(hf(-0x1p-24f), 0x8001);
	assert_int_equal(hf(1.0f + 0x1p-11f), 0x3c00); /* tie, even below */
	assert_int_equal(hf(1.0f + 0x3p-11f), 0x3c02); /* tie, even above */
	assert_true(hf_f(0x0001) == 0x1p-24f);
	assert_true(hf_f(0x83ff) == -0x1.ff8p-15f);
	assert_true(hf_f(0x7bff) == 65504.0f);
	assert_true(isinf(hf_f(0xfc00)) && hf_f(0xfc00) < 0);
	assert_true(isnan(hf_f(0x7c01)) && isnan(hf_f(0xfe00)) && signbit(hf_f(0xfe00)));
	assert_int_equal(fbits(hf_f(0x7c01)), 0x7fc02000u); /* quieted, payload kept */
}

/* Every 16-bit pattern goes to f32 and back exactly (NaNs come back quiet);
 * random f32 values round to the nearer neighbour, ties to even. */
static void test_patterns(void **unused)
{
	(void)unused;
	for (uint32_t b = 0; b < 65536; b++) {
		uint16_t h = (uint16_t)b;
		int bnan = (h & 0x7fff) > 0x7f80, hnan = (h & 0x7fff) > 0x7c00;
		if (bf(bf_f(h)) != (bnan ? (h | 0x40) : h))
			fail_msg("bf16 %04x round trip gives %04x", h, bf(bf_f(h)));
		if (hf(hf_f(h)) != (hnan ? (h | 0x200) : h))
			fail_msg("f16 %04x round trip gives %04x", h, hf(hf_f(h)));
	}
	uint64_t seed = 0xd7;
	for (int k = 0; k < 200000; k++) {
		/* f16 range and beyond, subnormals included */
		float x = ldexpf(tu_uniform(&seed, -1, 1), (int)(tu_next(&seed) % 44) - 28);
		struct { uint16_t h; float (*to)(uint16_t); } c[2] = { { bf(x), bf_f }, { hf(x), hf_f } };
		for (int t = 0; t < 2; t++) {
			double y = c[t].to(c[t].h), d = fabs((double)x - y);
			if (isinf(y))
				continue; /* overflow, checked at the edges */
			double up = c[t].to((uint16_t)(c[t].h + 1)), dn = c[t].to((uint16_t)(c[t].h - 1));
			if ((c[t].h & 0x7fff) && (d > fabs((double)x - up) || d > fabs((double)x - dn)))
				fail_msg("%s(%a) = %04x is not the nearest", t ? "f16" : "bf16", (double)x, c[t].h);
			if ((d == fabs((double)x - up) || d == fabs((double)x - dn)) && d > 0 && (c[t].h & 1))
				fail_msg("%s(%a) = %04x: a tie not to even", t ? "f16" : "bf16", (double)x, c[t].h);
		}
	}
}

static void test_names(void **unused)
{
	(void)unused;
	for (int d = 0; d < GD_NDT; d++) {
		gd_dtype got = GD_NDT;
		const char *name = gd_dtype_name((gd_dtype)d);
		assert_int_equal(gd_dtype_parse(name, &got), 0);
		assert_int_equal(got, d);
		char want[32];
		snprintf(want, sizeof(want), "%s/%s/%s%s", gd_store_name(gd_dtype_param(got)),
		         gd_store_name(gd_dtype_grad(got)), gd_store_name(gd_dtype_state(got)), gd_dtype_sr(got) ? "+sr" : "");
		assert_string_equal(name, want);
	}
	assert_int_equal(gd_store_size(GD_ST_F32), 4);
	assert_int_equal(gd_store_size(GD_ST_BF16), 2);
	assert_int_equal(gd_store_size(GD_ST_F16), 2);
	static const struct { const char *s; int rc; } bad[] = {
		{ "f32", GD_EINVAL }, { "f32/f32", GD_EINVAL }, { "f64/f32/f32", GD_EINVAL },
		{ "bf16/bf16/f32+xx", GD_EINVAL }, { "", GD_EINVAL }, { "f32/f32/f32/f32", GD_EINVAL },
		{ "bf16/bf16/f32+sr+sr", GD_EINVAL }, { "F32/F32/F32", GD_EINVAL },
		{ "f16/f16/f32+sr", GD_ENOTSUP }, { "f32/f32/f32+sr", GD_ENOTSUP }, { "f16/bf16/f32", GD_ENOTSUP },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		gd_dtype d = GD_DT_BF16;
		if (gd_dtype_parse(bad[i].s, &d) != bad[i].rc)
			fail_msg("'%s': %d, expected %d", bad[i].s, gd_dtype_parse(bad[i].s, &d), bad[i].rc);
		assert_int_equal(d, GD_DT_BF16); /* untouched on failure */
	}
	/* Adam at bf16/bf16/f32: w 2 + 2, g 2, m and v 4 + 4 each */
	gd_hparams hp;
	gd_hparams_default(GD_RULE_ADAM, &hp);
	assert_int_equal(gd_rule_bytes_dt(GD_RULE_ADAM, &hp, GD_DT_BF16_F32), 22);
	assert_int_equal(gd_rule_bytes_dt(GD_RULE_ADAM, &hp, GD_DT_F32), gd_rule_bytes(GD_RULE_ADAM, &hp));
}

/* Rounding x many times with different indices averages to x (within 5
 * standard errors), and the same key and index give the same bits. */
static void test_sr_mean(void **unused)
{
	(void)unused;
	static const float xs[] = { 1.0f + 0x1p-9f, 3.14159f, -0.3337f, 1e-3f };
	enum { N = 40000 };
	for (size_t k = 0; k < sizeof(xs) / sizeof(xs[0]); k++) {
		float x = xs[k];
		uint32_t key = gd_sr_key(42, (long)k + 1);
		double sum = 0, sum2 = 0;
		for (uint32_t i = 0; i < N; i++) {
			double y = bf_f(gd_bf16_sr(x, gd_sr_bits(key, 0, i)).bits);
			sum += y;
			sum2 += y * y;
			assert_int_equal(gd_bf16_sr(x, gd_sr_bits(key, 0, i)).bits, gd_bf16_sr(x, gd_sr_bits(key, 0, i)).bits);
		}
		double mean = sum / N, sd = sqrt(fmax(sum2 / N - mean * mean, 0));
		if (!(sd > 0) || fabs(mean - x) > 5 * sd / sqrt(N))
			fail_msg("SR of %a: mean %.9g, sd %.3g over %d", (double)x, mean, sd, N);
	}
	/* keys, salts and indices each change the stream */
	assert_int_not_equal(gd_sr_bits(1, 0, 5), gd_sr_bits(2, 0, 5));
	assert_int_not_equal(gd_sr_bits(1, 0, 5), gd_sr_bits(1, 1, 5));
	assert_int_not_equal(gd_sr_key(1, 1), gd_sr_key(1, 2));
}

/* The vector layer's conversions at each level against dtype.h's, bit for
 * bit: specials, every 16-bit pattern, random values, odd lengths, SR. */
static void test_vector_conversions(void **unused)
{
	(void)unused;
	enum { N = 65536 + 37 };
	float *src = malloc(N * sizeof(float)), *back = malloc((N + 1) * sizeof(float));
	uint16_t *h = malloc(N * 2), *got = malloc((N + 2) * 2), *want = malloc(N * 2);
	assert_true(src && back && h && got && want);
	static const uint32_t special[] = { 0x7f800001u, 0xff800001u, 0x7fc00000u, 0x7f800000u, 0xff800000u, 0,
		                            0x80000000u, 1, 0x00018000u, 0x7f7f7fffu, 0x7f7f8000u, 0x3f808000u,
		                            0x477ff000u, 0x33800000u, 0x387fc000u, 0xc77fefffu };
	uint64_t seed = 0xc0;
	for (size_t i = 0; i < N; i++) {
		uint32_t u = i < sizeof(special) / 4 ? special[i] : (uint32_t)tu_next(&seed);
		if (i % 3 == 1) /* values in f16 range too */
			u = fbits(ldexpf(tu_uniform(&seed, -1, 1), (int)(tu_next(&seed) % 44) - 28));
		src[i] = bitsf(u);
		h[i] = (uint16_t)i;
	}
	const gd_convert_set *ref = gd_convert_for(GD_ISA_SCALAR);
	int checked = 0;
	for (int l = 0; l < GD_NISA; l++) {
		char name[32];
		snprintf(name, sizeof(name), "convert/%s", gd_isa_name((gd_isa)l));
		if (!tu_row((gd_isa)l, name))
			continue;
		const gd_convert_set *cv = gd_convert_for((gd_isa)l);
		static const size_t lens[] = { N, 1, 3, 7, 15, 17, 31, 33 };
		for (size_t li = 0; li < sizeof(lens) / sizeof(lens[0]); li++) {
			size_t n = lens[li];
			for (int s = GD_ST_BF16; s <= GD_ST_F16; s++)
				for (int sr = 0; sr <= (s == GD_ST_BF16); sr++) {
					got[n] = 0xbeef;
					cv->narrow((gd_store)s, got, src, n, sr, 0x5eed1234u, 2, 1000 + li);
					ref->narrow((gd_store)s, want, src, n, sr, 0x5eed1234u, 2, 1000 + li);
					if (memcmp(got, want, n * 2) || got[n] != 0xbeef)
						fail_msg("%s: narrow to %s%s differs (n %zu)", name, gd_store_name((gd_store)s),
						         sr ? " (SR)" : "", n);
					size_t m = n < 65536 ? n : 65536;
					back[m] = 12345.0f;
					cv->widen((gd_store)s, back, h, m);
					for (size_t i = 0; i < m; i++) {
						float w = s == GD_ST_BF16 ? bf_f(h[i]) : hf_f(h[i]);
						if (fbits(back[i]) != fbits(w))
							fail_msg("%s: widen %s %04zx: %08x, scalar %08x", name, gd_store_name((gd_store)s),
							         i, fbits(back[i]), fbits(w));
					}
					assert_true(back[m] == 12345.0f);
				}
		}
		checked++;
	}
	free(src);
	free(back);
	free(h);
	free(got);
	free(want);
	assert_true(checked > 0);
}

/* Whole vector against three chunks with their offsets: the same bits at
 * every dtype (SR draws by global index and array, not by call). */
static void test_chunked(void **unused)
{
	(void)unused;
	enum { N = 1001 };
	static const size_t cut[] = { 0, 137, 500, N };
	int checked = 0;
	for (size_t r = 0; r < gd_update_count; r++) {
		const gd_update_entry *e = &gd_update_table[r];
		if (!tu_row(e->isa, e->name))
			continue;
		gd_hparams hp;
		gd_hparams_default(e->rule, &hp);
		int ns = gd_rule_nstate(e->rule, &hp);
		for (int d = 0; d < GD_NDT; d++) {
			gd_store sp = gd_dtype_param((gd_dtype)d), sg = gd_dtype_grad((gd_dtype)d);
			gd_store ss = gd_dtype_state((gd_dtype)d);
			float f[N];
			unsigned char w[2][N * 4], g[N * 4], st[2][GD_MAX_STATE][N * 4];
			uint64_t seed = 0xc4 + r;
			for (int k = 0; k < N; k++)
				f[k] = tu_uniform(&seed, -1, 1);
			gd_store_from_f32(sp, w[0], f, N);
			memcpy(w[1], w[0], sizeof(w[0]));
			for (int k = 0; k < N; k++)
				f[k] = tu_uniform(&seed, -1, 1);
			gd_store_from_f32(sg, g, f, N);
			void *sv[2][GD_MAX_STATE];
			for (int v = 0; v < 2; v++) {
				for (int k = 0; k < GD_MAX_STATE; k++)
					sv[v][k] = st[v][k];
				gd_state_init_as(e->rule, &hp, sv[v], N, ss);
			}
			gd_step_carry c = gd_step_carry_init();
			gd_step stp;
			gd_step_prepare(e->rule, &hp, 1, hp.lr, 1.0, &c, &stp);
			stp.sr_key = gd_sr_key(7, 1);
			e->fn[d](&hp, &stp, w[0], g, sv[0], N, 0);
			for (int q = 0; q < 3; q++) {
				size_t lo = cut[q];
				void *ch[GD_MAX_STATE];
				for (int k = 0; k < GD_MAX_STATE; k++)
					ch[k] = gd_store_at(ss, sv[1][k], lo);
				e->fn[d](&hp, &stp, gd_store_at(sp, w[1], lo), gd_store_at(sg, g, lo), ch, cut[q + 1] - lo, lo);
			}
			if (memcmp(w[0], w[1], N * gd_store_size(sp)))
				fail_msg("%s at %s: chunked w differs from whole", e->name, gd_dtype_name((gd_dtype)d));
			for (int k = 0; k < ns; k++)
				if (memcmp(st[0][k], st[1][k], N * gd_store_size(ss)))
					fail_msg("%s at %s: chunked state %d differs", e->name, gd_dtype_name((gd_dtype)d), k);
			checked++;
		}
	}
	assert_true(checked > 0);
}

/*
 * The kernels' conversion wiring, exactly: sgd and momentum with lr = 1/16
 * and mu = 1/2 on 16-bit inputs in +-[1/4, 1] compute every fp32 value
 * exactly (products by powers of two, sums of a few significand bits), with
 * or without FMA, so every row must store the same bits as the scalar row:
 * the same SR key, salt (w and the momentum buffer) and element index.
 */
static void test_rows_exact(void **unused)
{
	(void)unused;
	enum { N = 77 };
	int checked = 0;
	for (size_t r = 0; r < gd_update_count; r++) {
		const gd_update_entry *e = &gd_update_table[r], *ref = gd_update_scalar(e->rule);
		if ((e->rule != GD_RULE_SGD && e->rule != GD_RULE_MOMENTUM) || e == ref || !tu_row(e->isa, e->name))
			continue;
		gd_hparams hp;
		gd_hparams_default(e->rule, &hp);
		hp.lr = 0.0625;
		hp.momentum = 0.5;
		for (int d = 0; d < GD_NDT; d++) {
			gd_store sp = gd_dtype_param((gd_dtype)d), sg = gd_dtype_grad((gd_dtype)d);
			gd_store ss = gd_dtype_state((gd_dtype)d);
			float f[N];
			unsigned char w[2][N * 4], g[N * 4], b[2][N * 4];
			uint64_t seed = 0xe1 + r;
			for (int k = 0; k < N; k++)
				f[k] = tu_uniform(&seed, 0.25f, 1) * (tu_next(&seed) & 1 ? 1 : -1);
			gd_store_from_f32(sp, w[0], f, N);
			memcpy(w[1], w[0], sizeof(w[0]));
			void *st[2][GD_MAX_STATE] = { { b[0] }, { b[1] } };
			gd_state_init_as(e->rule, &hp, st[0], N, ss);
			gd_state_init_as(e->rule, &hp, st[1], N, ss);
			gd_step_carry c[2] = { gd_step_carry_init(), gd_step_carry_init() };
			for (long t = 1; t <= 3; t++) {
				for (int k = 0; k < N; k++)
					f[k] = tu_uniform(&seed, 0.25f, 1) * (tu_next(&seed) & 1 ? 1 : -1);
				gd_store_from_f32(sg, g, f, N);
				for (int v = 0; v < 2; v++) {
					gd_step stp;
					gd_step_prepare(e->rule, &hp, t, hp.lr, 1.0, &c[v], &stp);
					stp.sr_key = gd_sr_key(3, t);
					(v ? e : ref)->fn[d](&hp, &stp, w[v], g, st[v], N, 4096 + r);
				}
			}
			if (memcmp(w[0], w[1], N * gd_store_size(sp)))
				fail_msg("%s at %s: w not the scalar row's bits", e->name, gd_dtype_name((gd_dtype)d));
			if (e->rule == GD_RULE_MOMENTUM && memcmp(b[0], b[1], N * gd_store_size(ss)))
				fail_msg("%s at %s: buffer not the scalar row's bits", e->name, gd_dtype_name((gd_dtype)d));
			checked++;
		}
	}
	if (!checked && tu_scalar_only())
		skip();
	assert_true(checked > 0);
}

/*
 * Why SR: gradient descent on f(w) = 0.5 sum (w - c)^2 at bf16 parameters.
 * To nearest, a step lr*g below half a bf16 ulp of w is lost: here w starts
 * at 1 and c is near 1.75 (ulp 2^-7 in [1, 2)), so w stalls once
 * lr*|w - c| < 2^-8, about 0.39 from c. Stochastically rounded, the step
 * survives in expectation and w keeps approaching c.
 */
static double sgd_bf16(gd_dtype d, double *stall_gap)
{
	enum { N = 1024, T = 1500 };
	const gd_update_entry *e = gd_update_scalar(GD_RULE_SGD);
	gd_hparams hp;
	gd_hparams_default(GD_RULE_SGD, &hp);
	hp.lr = 0.01;
	float c[N], f[N];
	gd_bf16 w[N], g[N], before[N];
	uint64_t seed = 0x5a;
	for (int i = 0; i < N; i++) {
		c[i] = 1.75f + tu_uniform(&seed, -0.1f, 0.1f);
		f[i] = 1.0f;
	}
	gd_store_from_f32(GD_ST_BF16, w, f, N);
	gd_step_carry carry = gd_step_carry_init();
	for (long t = 1; t <= T; t++) {
		if (t == T / 2)
			memcpy(before, w, sizeof(w));
		for (int i = 0; i < N; i++)
			f[i] = gd_bf16_to_f32(w[i]) - c[i];
		gd_store_from_f32(GD_ST_BF16, g, f, N);
		gd_step st;
		gd_step_prepare(GD_RULE_SGD, &hp, t, hp.lr, 1.0, &carry, &st);
		st.sr_key = gd_sr_key(99, t);
		e->fn[d](&hp, &st, w, g, NULL, N, 0);
	}
	double loss = 0, gap = 0;
	for (int i = 0; i < N; i++) {
		double r = gd_bf16_to_f32(w[i]) - c[i];
		loss += 0.5 * r * r;
		gap += fabs(r) / N;
	}
	*stall_gap = memcmp(before, w, sizeof(w)) ? -gap : gap; /* negative: still moving */
	return loss;
}

static void test_sr_matters(void **unused)
{
	(void)unused;
	double gap_rne, gap_sr;
	double rne = sgd_bf16(GD_DT_BF16_F32, &gap_rne), sr = sgd_bf16(GD_DT_BF16_F32_SR, &gap_sr);
	printf("[ INFO     ] sgd bf16 loss to nearest %.4g (mean |w - c| %.3g), stochastic %.4g\n", rne,
	       fabs(gap_rne), sr);
	if (!(gap_rne > 0.25))
		fail_msg("nearest even: expected w stuck (unchanged over the second half) about 0.39 from c, got %g",
		         gap_rne);
	if (!(sr < 0.05 * rne))
		fail_msg("stochastic rounding: final loss %g, expected far below nearest even's %g", sr, rne);
	/* SR's noise: each step a Bernoulli of at most a quarter ulp^2 variance,
	 * contracted by 1 - lr: about 0.02 rms at equilibrium */
	if (!(fabs(gap_sr) < 0.1))
		fail_msg("stochastic rounding: mean |w - c| %g, expected near the rounding noise (~0.02)", fabs(gap_sr));
}

int main(int argc, char **argv)
{
	static const tu_case all_cases[] = {
		TU_COMMON_TEST(test_edges),
		TU_COMMON_TEST(test_patterns),
		TU_COMMON_TEST(test_names),
		TU_COMMON_TEST(test_sr_mean),
		TU_COMMON_TEST(test_sr_matters),
		TU_ISA_TEST(test_vector_conversions),
		TU_ISA_TEST(test_chunked),
		TU_ISA_TEST(test_rows_exact),
	};
	return tu_main(argc, argv, all_cases, sizeof(all_cases) / sizeof(all_cases[0]));
}
