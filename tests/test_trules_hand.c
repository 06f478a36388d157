/*
 * The per-tensor rules against values worked by hand (tests/hand_values_tensor.py:
 * plain Python, one element at a time, double precision) over 3 steps on a
 * set of 2 tensors, W (3x2, factored by Adafactor, orthogonalized by Muon)
 * and b (a 3-vector: Muon's AdamW, Adafactor's unfactored form), laid out
 * W then b. For every registered variant, on 1 worker.
 *
 * Start: W = [[1, -0.5], [2, 0.25], [-1, 0.5]], b = [0.5, -1, 0]; gradients
 * GW1 = [[0.5, -1], [0.25, 0.5], [-0.5, 0.25]], GW2 = [[0.25, 0.5], [-0.5, 0.5],
 * [1, -0.25]], GW3 = [[-0.5, 0.5], [0.25, 0.25], [0.5, -1]]; gb1 = [0.5, -0.25, 1],
 * gb2 = [-0.5, 0.5, 0.25], gb3 = [0.25, 0.25, -0.5].
 * Worked example, LARS on b at t=1: ||b|| = sqrt(1.25) = 1.118034,
 * ||g|| = sqrt(1.3125) = 1.145644; local lr = 0.1*1.118034/(1.145644 +
 * 5e-4*1.118034) = 0.097545; v = 0.097545*(g + 5e-4*b), so b[2] = 0 -
 * 0.097545*1 = -0.097545 (the table's last t=1 value). Adafactor on b at
 * t=1: beta2_1 = 0, so v = g^2 and u = sign(g); RMS(u) = 1 (no clipping);
 * alpha = RMS(b)*rho = 0.645497*0.1, b[2] = -0.0645497.
 *
 * Tolerance: 1e-5 relative + 1e-6 absolute, as test_update_hand.c (float32
 * against double; the smallest change over a step here is ~2e-3).
 */
#include <stdlib.h>
#include <string.h>

#include "optspec.h"
#include "tstep.h"
#include "testutil.h"

typedef struct hand_case {
	const char *spec;
	const double (*w)[9];
	const double (*x)[9]; /* Schedule-Free's evaluation point, or NULL */
} hand_case;

static const float W0[9] = { 1.0f, -0.5f, 2.0f, 0.25f, -1.0f, 0.5f, 0.5f, -1.0f, 0.0f };
static const float G[3][9] = {
	{ 0.5f, -1.0f, 0.25f, 0.5f, -0.5f, 0.25f, 0.5f, -0.25f, 1.0f },
	{ 0.25f, 0.5f, -0.5f, 0.5f, 1.0f, -0.25f, -0.5f, 0.5f, 0.25f },
	{ -0.5f, 0.5f, 0.25f, 0.25f, 0.5f, -1.0f, 0.25f, 0.25f, -0.5f },
};

/* lamb, lamb:lr=0.1
 * t=1 w=[0.895289538, -0.395807804, 1.89425301, 0.146067093, -0.895289538, 0.395808115, 0.435450788, -0.935129776, -0.0642281348]
 * t=2 w=[0.746543414, -0.353087571, 1.94912184, -0.0122139823, -0.951737312, 0.403500954, 0.440966209, -0.975886968, -0.159046566]
 * t=3 w=[0.724097455, -0.366288894, 1.94492672, -0.190965982, -1.04849321, 0.519641921, 0.409498922, -1.06538364, -0.211211483]
 */
static const double lamb_w[3][9] = {
	{ 0.895289538, -0.395807804, 1.89425301, 0.146067093, -0.895289538, 0.395808115, 0.435450788, -0.935129776, -0.0642281348 },
	{ 0.746543414, -0.353087571, 1.94912184, -0.0122139823, -0.951737312, 0.403500954, 0.440966209, -0.975886968, -0.159046566 },
	{ 0.724097455, -0.366288894, 1.94492672, -0.190965982, -1.04849321, 0.519641921, 0.409498922, -1.06538364, -0.211211483 },
};

/* lars, lars:lr=1:trust_coefficient=0.1
 * t=1 w=[0.90645253, -0.31304524, 1.95308608, 0.15652262, -0.90645253, 0.453226265, 0.451204409, -0.975565626, -0.0975424115]
 * t=2 w=[0.778303091, -0.232512826, 1.99844651, -0.0153750983, -0.997688943, 0.454967301, 0.479155674, -1.02540429, -0.221273438]
 * t=3 w=[0.751186425, -0.248299669, 1.99495118, -0.214224959, -1.16800018, 0.633067152, 0.457229432, -1.11719992, -0.238535936]
 */
static const double lars_w[3][9] = {
	{ 0.90645253, -0.31304524, 1.95308608, 0.15652262, -0.90645253, 0.453226265, 0.451204409, -0.975565626, -0.0975424115 },
	{ 0.778303091, -0.232512826, 1.99844651, -0.0153750983, -0.997688943, 0.454967301, 0.479155674, -1.02540429, -0.221273438 },
	{ 0.751186425, -0.248299669, 1.99495118, -0.214224959, -1.16800018, 0.633067152, 0.457229432, -1.11719992, -0.238535936 },
};

/* adafactor, adafactor:lr=0.1
 * t=1 w=[0.918405829, -0.393168153, 1.91840583, 0.143168153, -0.836811659, 0.446584077, 0.435450278, -0.935450278, -0.0645497224]
 * t=2 w=[0.879136789, -0.476525208, 2.02060778, 0.0346952522, -0.990500148, 0.48736372, 0.495139775, -1.00779391, -0.0865146442]
 * t=3 w=[0.977594638, -0.56280102, 1.94934176, -0.0277531337, -1.07012302, 0.626906233, 0.455961381, -1.05368361, -0.0333337003]
 */
static const double adafactor_w[3][9] = {
	{ 0.918405829, -0.393168153, 1.91840583, 0.143168153, -0.836811659, 0.446584077, 0.435450278, -0.935450278, -0.0645497224 },
	{ 0.879136789, -0.476525208, 2.02060778, 0.0346952522, -0.990500148, 0.48736372, 0.495139775, -1.00779391, -0.0865146442 },
	{ 0.977594638, -0.56280102, 1.94934176, -0.0277531337, -1.07012302, 0.626906233, 0.455961381, -1.05368361, -0.0333337003 },
};

/* sfadamw, sfadamw:lr=0.1:warmup_steps=2:weight_decay=0.01
 * t=1 w=[0.94998422, -0.44999211, 1.94996844, 0.199996079, -0.94998422, 0.449992158, 0.449992126, -0.949984252, -0.0499999842]
 * x=[0.94998422, -0.44999211, 1.94996844, 0.199996079, -0.94998422, 0.449992158, 0.449992126, -0.949984252, -0.0499999842]
 * t=2 w=[0.893019298, -0.506900717, 2.06370921, 0.109992518, -1.06376525, 0.539969524, 0.539969533, -1.06376525, -0.0808729979]
 * x=[0.893722916, -0.506197795, 2.06230431, 0.111104222, -1.06235986, 0.538858144, 0.538858152, -1.06235986, -0.0804916613]
 * t=3 w=[0.960288956, -0.553936596, 2.02743542, 0.0688082145, -1.11438342, 0.645916297, 0.510201059, -1.11438341, -0.0363913332]
 * x=[0.955642413, -0.55060426, 2.02986939, 0.0717606244, -1.11075199, 0.638443262, 0.512201424, -1.11075198, -0.0394696909]
 */
static const double sfadamw_w[3][9] = {
	{ 0.94998422, -0.44999211, 1.94996844, 0.199996079, -0.94998422, 0.449992158, 0.449992126, -0.949984252, -0.0499999842 },
	{ 0.893019298, -0.506900717, 2.06370921, 0.109992518, -1.06376525, 0.539969524, 0.539969533, -1.06376525, -0.0808729979 },
	{ 0.960288956, -0.553936596, 2.02743542, 0.0688082145, -1.11438342, 0.645916297, 0.510201059, -1.11438341, -0.0363913332 },
};

static const double sfadamw_x[3][9] = {
	{ 0.94998422, -0.44999211, 1.94996844, 0.199996079, -0.94998422, 0.449992158, 0.449992126, -0.949984252, -0.0499999842 },
	{ 0.893722916, -0.506197795, 2.06230431, 0.111104222, -1.06235986, 0.538858144, 0.538858152, -1.06235986, -0.0804916613 },
	{ 0.955642413, -0.55060426, 2.02986939, 0.0717606244, -1.11075199, 0.638443262, 0.512201424, -1.11075198, -0.0394696909 },
};

/* muon, muon:lr=0.1
 * t=1 w=[0.955884165, -0.42676833, 1.89343354, 0.178629892, -0.903752756, 0.504007787, 0.395000002, -0.890000004, -0.099999999]
 * t=2 w=[0.88920577, -0.453771459, 1.88083873, 0.0699848259, -0.975920061, 0.482583577, 0.39631316, -0.917710356, -0.182059751]
 * t=3 w=[0.893451345, -0.467272163, 1.7669819, -0.0218686977, -1.05400034, 0.523889762, 0.374877475, -0.960457332, -0.210094328]
 */
static const double muon_w[3][9] = {
	{ 0.955884165, -0.42676833, 1.89343354, 0.178629892, -0.903752756, 0.504007787, 0.395000002, -0.890000004, -0.099999999 },
	{ 0.88920577, -0.453771459, 1.88083873, 0.0699848259, -0.975920061, 0.482583577, 0.39631316, -0.917710356, -0.182059751 },
	{ 0.893451345, -0.467272163, 1.7669819, -0.0218686977, -1.05400034, 0.523889762, 0.374877475, -0.960457332, -0.210094328 },
};

static const hand_case cases[] = {
	{ "lamb:lr=0.1", lamb_w, NULL },
	{ "lars:lr=1:trust_coefficient=0.1", lars_w, NULL },
	{ "adafactor:lr=0.1", adafactor_w, NULL },
	{ "sfadamw:lr=0.1:warmup_steps=2:weight_decay=0.01", sfadamw_w, sfadamw_x },
	{ "muon:lr=0.1", muon_w, NULL },
};

static gd_tensor tensors[2] = {
	{ .name = "W", .ndim = 2, .shape = { 3, 2 }, .numel = 6, .off = 0 },
	{ .name = "b", .ndim = 1, .shape = { 3 }, .numel = 3, .off = 6 },
};
static const gd_param_set set = { .name = "hand", .source = "tests/hand_values_tensor.py", .ntensors = 2,
	                          .t = tensors, .total = 9 };

static void check_case(const hand_case *c, const gd_optspec *os, const gd_trule_entry *e)
{
	float w[9], x[9];
	memcpy(w, W0, sizeof(w));
	gd_topt o;
	assert_int_equal(gd_topt_init(&o, os->trule, &os->hp, &set, e, 1, w, NULL), 0);
	for (int t = 0; t < 3; t++) {
		assert_int_equal(gd_topt_step(&o, w, G[t], os->hp.lr), 0);
		gd_topt_eval_point(&o, w, x);
		for (int i = 0; i < 9; i++) {
			if (!tu_close(w[i], c->w[t][i], 1e-5, 1e-6))
				fail_msg("%s (%s): step %d w[%d] = %.9g, hand-worked %.9g", c->spec, e->name, t + 1, i,
				         (double)w[i], c->w[t][i]);
			if (c->x && !tu_close(x[i], c->x[t][i], 1e-5, 1e-6))
				fail_msg("%s (%s): step %d x[%d] = %.9g, hand-worked %.9g", c->spec, e->name, t + 1, i,
				         (double)x[i], c->x[t][i]);
		}
	}
	gd_topt_free(&o);
}

static void test_hand_worked(void **unused)
{
	(void)unused;
	int seen[GD_NTRULES] = { 0 }, checked = 0;
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		gd_optspec os;
		char err[256];
		if (gd_optspec_parse(cases[k].spec, &os, err, sizeof(err)))
			fail_msg("%s", err);
		seen[os.trule] = 1;
		for (size_t i = 0; i < gd_trule_count; i++)
			if (gd_trule_table[i].rule == os.trule && tu_row(gd_trule_table[i].isa, gd_trule_table[i].name)) {
				check_case(&cases[k], &os, &gd_trule_table[i]);
				checked++;
			}
	}
	assert_true(checked >= (int)(sizeof(cases) / sizeof(cases[0])));
	for (int r = 0; r < GD_NTRULES; r++)
		if (!seen[r])
			fail_msg("%s has no hand-worked case (tests/hand_values_tensor.py)", gd_trule_name((gd_trule)r));
}

/* The driver's refusals, and --opt's for the per-tensor rules. */
static void test_bad_input(void **unused)
{
	(void)unused;
	gd_hparams hp;
	const char *what = NULL;
	gd_topt o;
	float w[9] = { 0 };
	gd_trule_defaults(GD_TRULE_MUON, &hp);
	gd_param_set vec = set;
	vec.t = &tensors[1];
	vec.ntensors = 1;
	assert_int_equal(gd_topt_init(&o, GD_TRULE_MUON, &hp, &vec, gd_trule_scalar(GD_TRULE_MUON), 1, w, &what),
	                 GD_ENOTSUP);
	assert_non_null(strstr(what, "2-D"));
	assert_int_equal(gd_topt_init(&o, GD_TRULE_LAMB, &hp, &set, gd_trule_scalar(GD_TRULE_MUON), 1, w, &what),
	                 GD_EINVAL);
	gd_trule_defaults(GD_TRULE_LAMB, &hp);
	assert_int_equal(gd_topt_init(&o, GD_TRULE_LAMB, &hp, &set, gd_trule_scalar(GD_TRULE_LAMB), 0, w, &what),
	                 GD_EINVAL);
	hp.beta1 = 1.0;
	assert_int_equal(gd_topt_init(&o, GD_TRULE_LAMB, &hp, &set, gd_trule_scalar(GD_TRULE_LAMB), 1, w, &what),
	                 GD_EINVAL);
	assert_non_null(strstr(what, "betas"));

	static const struct { const char *spec, *want; int rc; } bad[] = {
		{ "lamb:momentum=0.5", "does not read 'momentum'", GD_EINVAL },
		{ "lars:betas=0.9/0.99", "does not read 'betas'", GD_EINVAL },
		{ "adafactor:d=0.5", "bad d", GD_ERANGE },
		{ "adafactor:beta2_decay=0.1", "bad beta2_decay", GD_ERANGE },
		{ "sfadamw:warmup_steps=2.5", "bad warmup_steps", GD_ERANGE },
		{ "sfadamw:betas=0/0.999", "bad betas", GD_ERANGE },
		{ "muon:ns_steps=-1", "bad ns_steps", GD_ERANGE },
		{ "muon:nesterov=1", "does not read 'nesterov'", GD_EINVAL },
		{ "lars:trust_coefficient=0", "bad trust_coefficient", GD_ERANGE },
		{ "adam:trust_coefficient=0.1", "does not read 'trust_coefficient'", GD_EINVAL },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		gd_optspec os;
		char err[256] = "";
		int rc = gd_optspec_parse(bad[i].spec, &os, err, sizeof(err));
		if (rc != bad[i].rc || !strstr(err, bad[i].want))
			fail_msg("%s: rc %d, message '%s'; expected %d and '%s'", bad[i].spec, rc, err, bad[i].rc, bad[i].want);
	}
}

int main(int argc, char **argv)
{
	static const tu_case all_cases[] = {
		TU_ISA_TEST(test_hand_worked),
		TU_COMMON_TEST(test_bad_input),
	};
	return tu_main(argc, argv, all_cases, sizeof(all_cases) / sizeof(all_cases[0]));
}
