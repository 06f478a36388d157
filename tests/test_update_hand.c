/*
 * Every rule against values worked by hand from its published equations
 * (torch.optim's algorithm boxes): 3 steps on a 3-element vector, for every
 * registered variant. The tables below come from tests/hand_values.py, which
 * writes the equations out in plain Python, one element at a time, in double
 * precision; each comment lists w and the state after every step.
 *
 * Start: w = [1, -0.5, 2]; gradients g1 = [0.5, -1, 0.25], g2 = [0.25, 0.5, -0.5],
 * g3 = [-0.5, 0.5, 0.25]. Worked example, momentum (lr 0.1, mu 0.9,
 * dampening 0.5), element 0: t=1 b = g = 0.5 (torch starts the buffer at g),
 * w = 1 - 0.1*0.5 = 0.95; t=2 b = 0.9*0.5 + 0.5*0.25 = 0.575, w = 0.95 - 0.0575
 * = 0.8925; t=3 b = 0.9*0.575 + 0.5*(-0.5) = 0.2675, w = 0.8925 - 0.02675 = 0.86575.
 * Adam (lr 0.1), element 0, t=1: m = 0.1*0.5 = 0.05, v = 0.001*0.25 = 0.00025,
 * m_hat = 0.05/0.1 = 0.5, v_hat = 0.00025/0.001 = 0.25, w = 1 - 0.1*0.5/(0.5 + 1e-8)
 * = 0.9 (the first Adam step has length lr). Rprop (lr 0.1), element 1: t=1
 * step 0.1, w = -0.5 + 0.1 = -0.4; t=2 the sign flips (g*prev = 0.5*-1 < 0):
 * step = 0.05, g := 0, w stays -0.4; t=3 prev = 0 so step stays 0.05 and
 * w = -0.4 - 0.05 = -0.45.
 *
 * Tolerance: the kernels compute in float32 what the tables compute in
 * double; a few roundings per step on values of order 1 stay below
 * 1e-5 relative + 1e-6 absolute, while any error in an equation moves a
 * value by far more (the smallest update here is adadelta's ~3e-3).
 */
#include <stdlib.h>
#include <string.h>

#include "registry.h"
#include "testutil.h"

static const float W0[3] = { 1.0f, -0.5f, 2.0f };
static const float G[3][3] = { { 0.5f, -1.0f, 0.25f }, { 0.25f, 0.5f, -0.5f }, { -0.5f, 0.5f, 0.25f } };

/* sgd {}
 *   t=1: w = [0.95, -0.4, 1.975]

 *   t=2: w = [0.925, -0.45, 2.025]

 *   t=3: w = [0.975, -0.5, 2]

 */
static const double sgd_w[3][3] = { { 0.95, -0.4, 1.975 }, { 0.925, -0.45, 2.025 }, { 0.975, -0.5, 2 } };
static const double sgd_s[GD_MAX_STATE][3] = { { 0 } };

/* momentum {'damp': 0.5}
 *   t=1: w = [0.95, -0.4, 1.975]
 *        b=0.5; b=-1; b=0.25
 *   t=2: w = [0.8925, -0.335, 1.9775]
 *        b=0.575; b=-0.65; b=-0.025
 *   t=3: w = [0.86575, -0.3015, 1.96725]
 *        b=0.2675; b=-0.335; b=0.1025
 */
static const double momentum_w[3][3] = { { 0.95, -0.4, 1.975 }, { 0.8925, -0.335, 1.9775 }, { 0.86575, -0.3015, 1.96725 } };
static const double momentum_s[GD_MAX_STATE][3] = { { 0.2675, -0.335, 0.1025 } };

/* nesterov {'nesterov': True}
 *   t=1: w = [0.905, -0.31, 1.9525]
 *        b=0.5; b=-1; b=0.25
 *   t=2: w = [0.817, -0.324, 2.02725]
 *        b=0.7; b=-0.4; b=-0.275
 *   t=3: w = [0.8553, -0.3866, 2.002025]
 *        b=0.13; b=0.14; b=0.0025
 */
static const double nesterov_w[3][3] = { { 0.905, -0.31, 1.9525 }, { 0.817, -0.324, 2.02725 }, { 0.8553, -0.3866, 2.002025 } };
static const double nesterov_s[GD_MAX_STATE][3] = { { 0.13, 0.14, 0.0025 } };

/* adagrad {'lr_decay': 0.5}
 *   t=1: w = [0.9, -0.4, 1.9]
 *        sum=0.25; sum=1; sum=0.0625
 *   t=2: w = [0.87018576, -0.42981424, 1.95962848]
 *        sum=0.3125; sum=1.25; sum=0.3125
 *   t=3: w = [0.903519094, -0.450226654, 1.93921606]
 *        sum=0.5625; sum=1.5; sum=0.375
 */
static const double adagrad_w[3][3] = { { 0.90000000002, -0.40000000001, 1.90000000004 }, { 0.870185760325, -0.429814239707, 1.95962847943 }, { 0.903519093654, -0.450226654229, 1.93921606491 } };
static const double adagrad_s[GD_MAX_STATE][3] = { { 0.5625, 1.5, 0.375 } };

/* rmsprop {}
 *   t=1: w = [0.90000002, -0.40000001, 1.90000004]
 *        v=0.0025; v=0.01; v=0.000625
 *   t=2: w = [0.855098703, -0.444901331, 1.98953232]
 *        v=0.0031; v=0.0124; v=0.00311875
 *   t=3: w = [0.922099711, -0.48603444, 1.94850218]
 *        v=0.005569; v=0.014776; v=0.0037125625
 */
static const double rmsprop_w[3][3] = { { 0.90000002, -0.40000001, 1.90000004 }, { 0.855098702558, -0.444901331474, 1.98953232018 }, { 0.922099710663, -0.48603443962, 1.94850217529 } };
static const double rmsprop_s[GD_MAX_STATE][3] = { { 0.005569, 0.014776, 0.0037125625 } };

/* rmsprop_centered_momentum {'centered': True, 'mu': 0.5}
 *   t=1: w = [0.899496239, -0.399496229, 1.89949626]
 *        v=0.0025, ga=0.005, b=10.0503761; v=0.01, ga=-0.01, b=-10.0503771; v=0.000625, ga=0.0025, b=10.0503741
 *   t=2: w = [0.803935604, -0.394189199, 1.93886832]
 *        v=0.0031, ga=0.00745, b=9.55606347; v=0.0124, ga=-0.0049, b=-0.530703001; v=0.00311875, ga=-0.002525, b=-3.93720651
 *   t=3: w = [0.823190266, -0.432668823, 1.91752421]
 *        v=0.005569, ga=0.0023755, b=-1.92546622; v=0.014776, ga=0.000149, b=3.8479624; v=0.0037125625, ga=2.5e-07, b=2.13441124
 */
static const double rmsprop_centered_momentum_w[3][3] = { { 0.899496238676, -0.399496228575, 1.89949625888 }, { 0.803935604022, -0.394189198562, 1.93886832394 }, { 0.82319026627, -0.432668822602, 1.91752421158 } };
static const double rmsprop_centered_momentum_s[GD_MAX_STATE][3] = { { 0.005569, 0.014776, 0.0037125625 }, { 0.0023755, 0.000149, 2.5e-07 }, { -1.92546622478, 3.84796240404, 2.13441123603 } };

/* adadelta {}
 *   t=1: w = [0.996837786, -0.496837738, 1.99683798]
 *        v=0.025, u=9.99960002e-07; v=0.1, u=9.9999e-07; v=0.00625, u=9.99840026e-07
 *   t=2: w = [0.994752699, -0.498922868, 2.00087836]
 *        v=0.02875, u=1.33472279e-06; v=0.115, u=1.33476765e-06; v=0.030625, u=2.53232519e-06
 *   t=3: w = [0.998139823, -0.501054139, 1.99832316]
 *        v=0.050875, u=2.34851189e-06; v=0.1285, u=1.65552231e-06; v=0.0338125, u=2.93199853e-06
 */
static const double adadelta_w[3][3] = { { 0.996837785583, -0.496837738151, 1.99683797529 }, { 0.994752698556, -0.498922868013, 2.0008783579 }, { 0.998139823261, -0.501054138567, 1.99832315563 } };
static const double adadelta_s[GD_MAX_STATE][3] = { { 0.050875, 0.1285, 0.0338125 }, { 2.34851189057e-06, 1.65552230611e-06, 2.93199853276e-06 } };

/* adam {}
 *   t=1: w = [0.900000002, -0.400000001, 1.9]
 *        m=0.05, v=0.00025; m=-0.1, v=0.001; m=0.025, v=6.25e-05
 *   t=2: w = [0.80678204, -0.373366297, 1.93661036]
 *        m=0.07, v=0.00031225; m=-0.04, v=0.001249; m=-0.0275, v=0.0003124375
 *   t=3: w = [0.795703734, -0.380674025, 1.93634943]
 *        m=0.013, v=0.00056193775; m=0.014, v=0.001497751; m=0.00025, v=0.000374625063
 */
static const double adam_w[3][3] = { { 0.900000002, -0.400000001, 1.900000004 }, { 0.806782040477, -0.373366297371, 1.93661035578 }, { 0.795703733601, -0.380674025359, 1.93634943075 } };
static const double adam_s[GD_MAX_STATE][3] = { { 0.013, 0.014, 0.00025 }, { 0.00056193775, 0.001497751, 0.0003746250625 } };

/* adam_l2 {'wd': 0.1}
 *   t=1: w = [0.900000002, -0.400000001, 1.9]
 *        m=0.06, v=0.00036; m=-0.105, v=0.0011025; m=0.045, v=0.0002025
 *   t=2: w = [0.805009766, -0.36850348, 1.88705868]
 *        m=0.088, v=0.00047524; m=-0.0485, v=0.0013129975; m=0.00950000002, v=0.0002983975
 *   t=3: w = [0.775511505, -0.369881518, 1.83924754]
 *        m=0.0372500977, v=0.000650744191; m=0.00266496519, v=0.0015261921; m=0.0524205868, v=0.000490561941
 */
static const double adam_l2_w[3][3] = { { 0.900000001667, -0.400000000952, 1.90000000222 }, { 0.805009765861, -0.368503480378, 1.88705867552 }, { 0.775511505151, -0.369881518037, 1.839247536 } };
static const double adam_l2_s[GD_MAX_STATE][3] = { { 0.0372500976736, 0.00266496518765, 0.0524205867752 }, { 0.000650744190758, 0.00152619210253, 0.000490561940587 } };

/* adamw {'wd': 0.1, 'decoupled': True}
 *   t=1: w = [0.890000002, -0.395000001, 1.88]
 *        m=0.05, v=0.00025; m=-0.1, v=0.001; m=0.025, v=6.25e-05
 *   t=2: w = [0.78788204, -0.364416297, 1.89781036]
 *        m=0.07, v=0.00031225; m=-0.04, v=0.001249; m=-0.0275, v=0.0003124375
 *   t=3: w = [0.768924913, -0.368079862, 1.87857133]
 *        m=0.013, v=0.00056193775; m=0.014, v=0.001497751; m=0.00025, v=0.000374625063
 */
static const double adamw_w[3][3] = { { 0.890000002, -0.395000001, 1.880000004 }, { 0.787882040457, -0.364416297361, 1.89781035574 }, { 0.768924913177, -0.368079862376, 1.87857132715 } };
static const double adamw_s[GD_MAX_STATE][3] = { { 0.013, 0.014, 0.00025 }, { 0.00056193775, 0.001497751, 0.0003746250625 } };

/* amsgrad {'ams': True, 'b2': 0.5}
 *   t=1: w = [0.900000002, -0.400000001, 1.9]
 *        m=0.05, v=0.125, vmax=0.125; m=-0.1, v=0.5, vmax=0.5; m=0.025, v=0.03125, vmax=0.03125
 *   t=2: w = [0.809755645, -0.374215899, 1.93342555]
 *        m=0.07, v=0.09375, vmax=0.125; m=-0.04, v=0.375, vmax=0.5; m=-0.0275, v=0.140625, vmax=0.140625
 *   t=3: w = [0.798932046, -0.381049943, 1.93319543]
 *        m=0.013, v=0.171875, vmax=0.171875; m=0.014, v=0.3125, vmax=0.5; m=0.00025, v=0.1015625, vmax=0.140625
 */
static const double amsgrad_w[3][3] = { { 0.900000002, -0.400000001, 1.900000004 }, { 0.809755645266, -0.37421589876, 1.93342554513 }, { 0.79893204555, -0.381049942647, 1.9331954309 } };
static const double amsgrad_s[GD_MAX_STATE][3] = { { 0.013, 0.014, 0.00025 }, { 0.171875, 0.3125, 0.1015625 }, { 0.171875, 0.5, 0.140625 } };

/* adamax {}
 *   t=1: w = [0.900000002, -0.400000001, 1.9]
 *        m=0.05, u=0.50000001; m=-0.1, u=1.00000001; m=0.025, u=0.25000001
 *   t=2: w = [0.826242035, -0.378926296, 1.92894737]
 *        m=0.07, u=0.49950001; m=-0.04, u=0.99900001; m=-0.0275, u=0.50000001
 *   t=3: w = [0.816647939, -0.384102695, 1.92876269]
 *        m=0.013, u=0.50000001; m=0.014, u=0.99800101; m=0.00025, u=0.49950001
 */
static const double adamax_w[3][3] = { { 0.900000002, -0.400000001, 1.900000004 }, { 0.82624203498, -0.378926295927, 1.92894737184 }, { 0.816647939231, -0.384102695157, 1.92876268531 } };
static const double adamax_s[GD_MAX_STATE][3] = { { 0.013, 0.014, 0.00025 }, { 0.50000001, 0.99800100998, 0.49950000999 } };

/* nadam {}
 *   t=1: w = [0.894354824, -0.394354823, 1.89435483]
 *        m=0.05, v=0.00025; m=-0.1, v=0.001; m=0.025, v=6.25e-05
 *   t=2: w = [0.841962496, -0.435465796, 1.98501057]
 *        m=0.07, v=0.00031225; m=-0.04, v=0.001249; m=-0.0275, v=0.0003124375
 *   t=3: w = [0.910407545, -0.479183632, 1.94220019]
 *        m=0.013, v=0.00056193775; m=0.014, v=0.001497751; m=0.00025, v=0.000374625063
 */
static const double nadam_w[3][3] = { { 0.894354824277, -0.394354823221, 1.89435482639 }, { 0.841962495566, -0.435465795625, 1.98501057337 }, { 0.910407545299, -0.479183631825, 1.94220018727 } };
static const double nadam_s[GD_MAX_STATE][3] = { { 0.013, 0.014, 0.00025 }, { 0.00056193775, 0.001497751, 0.0003746250625 } };

/* rprop {}
 *   t=1: w = [0.9, -0.4, 1.9]
 *        step=0.1, prev=0.5; step=0.1, prev=-1; step=0.1, prev=0.25
 *   t=2: w = [0.78, -0.4, 1.9]
 *        step=0.12, prev=0.25; step=0.05, prev=0; step=0.05, prev=0
 *   t=3: w = [0.78, -0.45, 1.85]
 *        step=0.06, prev=0; step=0.05, prev=0.5; step=0.05, prev=0.25
 */
static const double rprop_w[3][3] = { { 0.9, -0.4, 1.9 }, { 0.78, -0.4, 1.9 }, { 0.78, -0.45, 1.85 } };
static const double rprop_s[GD_MAX_STATE][3] = { { 0, 0.5, 0.25 }, { 0.06, 0.05, 0.05 } };

/* lion {'wd': 0.1} (lr 0.1, betas 0.9/0.99, decoupled decay: every step moves w by lr*(1 + wd*w))
 *   t=1: w = [0.89, -0.395, 1.88]
 *        m=0.005; m=-0.01; m=0.0025
 *   t=2: w = [0.7811, -0.49105, 1.9612]
 *        m=0.00745; m=-0.0049; m=-0.002525
 *   t=3: w = [0.873289, -0.5861395, 1.841588]
 *        m=0.0023755; m=0.000149; m=2.5e-07
 * Element 0, t=3: c = 0.9*0.00745 + 0.1*(-0.5) = -0.0433 < 0, so
 * w = 0.7811 - 0.1*(-1 + 0.1*0.7811) = 0.873289.
 */
static const double lion_w[3][3] = { { 0.89, -0.395, 1.88 }, { 0.7811, -0.49105, 1.9612 }, { 0.873289, -0.5861395, 1.841588 } };
static const double lion_s[GD_MAX_STATE][3] = { { 0.0023755, 0.000149, 2.5e-07 } };

typedef struct hand_case {
	const char *label;
	gd_rule rule;
	double lr;
	void (*tweak)(gd_hparams *hp);
	const double (*w)[3];
	const double (*s)[3];
} hand_case;

static void damp_half(gd_hparams *hp) { hp->dampening = 0.5; }
static void lr_decay_half(gd_hparams *hp) { hp->lr_decay = 0.5; }
static void centered_momentum(gd_hparams *hp) { hp->centered = 1; hp->momentum = 0.5; }
static void wd_01(gd_hparams *hp) { hp->weight_decay = 0.1; }
static void beta2_half(gd_hparams *hp) { hp->beta2 = 0.5; }

static const hand_case cases[] = {
	{ "sgd", GD_RULE_SGD, 0.1, NULL, sgd_w, sgd_s },
	{ "momentum", GD_RULE_MOMENTUM, 0.1, damp_half, momentum_w, momentum_s },
	{ "nesterov", GD_RULE_NESTEROV, 0.1, NULL, nesterov_w, nesterov_s },
	{ "adagrad", GD_RULE_ADAGRAD, 0.1, lr_decay_half, adagrad_w, adagrad_s },
	{ "rmsprop", GD_RULE_RMSPROP, 0.01, NULL, rmsprop_w, rmsprop_s },
	{ "rmsprop centered+momentum", GD_RULE_RMSPROP, 0.01, centered_momentum,
	  rmsprop_centered_momentum_w, rmsprop_centered_momentum_s },
	{ "adadelta", GD_RULE_ADADELTA, 1.0, NULL, adadelta_w, adadelta_s },
	{ "adam", GD_RULE_ADAM, 0.1, NULL, adam_w, adam_s },
	{ "adam + L2 in the gradient", GD_RULE_ADAM, 0.1, wd_01, adam_l2_w, adam_l2_s },
	{ "adamw", GD_RULE_ADAMW, 0.1, wd_01, adamw_w, adamw_s },
	{ "amsgrad", GD_RULE_AMSGRAD, 0.1, beta2_half, amsgrad_w, amsgrad_s },
	{ "adamax", GD_RULE_ADAMAX, 0.1, NULL, adamax_w, adamax_s },
	{ "nadam", GD_RULE_NADAM, 0.1, NULL, nadam_w, nadam_s },
	{ "rprop", GD_RULE_RPROP, 0.1, NULL, rprop_w, rprop_s },
	{ "lion", GD_RULE_LION, 0.1, wd_01, lion_w, lion_s },
};

static void check_case(const hand_case *c, const gd_update_entry *e)
{
	gd_hparams hp;
	gd_hparams_default(c->rule, &hp);
	hp.lr = c->lr;
	if (c->tweak)
		c->tweak(&hp);
	assert_int_equal(gd_hparams_check(c->rule, &hp, NULL), 0);
	float w[3], g[3], sbuf[GD_MAX_STATE][3];
	float *state[GD_MAX_STATE] = { sbuf[0], sbuf[1], sbuf[2] };
	void *vstate[GD_MAX_STATE] = { sbuf[0], sbuf[1], sbuf[2] };
	memcpy(w, W0, sizeof(w));
	gd_state_init(c->rule, &hp, state, 3);
	gd_step_carry carry = gd_step_carry_init();
	for (int t = 1; t <= 3; t++) {
		gd_step st;
		gd_step_prepare(c->rule, &hp, t, hp.lr, 1.0, &carry, &st);
		memcpy(g, G[t - 1], sizeof(g));
		e->fn[GD_DT_F32](&hp, &st, w, g, vstate, 3, 0);
		for (int i = 0; i < 3; i++) {
			if (!tu_close(w[i], c->w[t - 1][i], 1e-5, 1e-6))
				fail_msg("%s (%s): step %d w[%d] = %.9g, hand-worked %.9g", c->label, e->name, t, i,
				         (double)w[i], c->w[t - 1][i]);
		}
	}
	for (int k = 0; k < gd_rule_nstate(c->rule, &hp); k++)
		for (int i = 0; i < 3; i++)
			if (!tu_close(state[k][i], c->s[k][i], 1e-5, 1e-6))
				fail_msg("%s (%s): state[%d][%d] = %.9g after 3 steps, hand-worked %.9g", c->label, e->name,
				         k, i, (double)state[k][i], c->s[k][i]);
}

static void test_hand_worked(void **unused)
{
	(void)unused;
	int checked = 0;
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		for (size_t i = 0; i < gd_update_count; i++) {
			const gd_update_entry *e = &gd_update_table[i];
			if (e->rule != cases[k].rule)
				continue;
			if (!tu_row(e->isa, e->name))
				continue;
			check_case(&cases[k], e);
			checked++;
		}
	}
	/* every case ran on at least one row: the scalar one, or those of the level asked for */
	assert_true(checked >= (int)(sizeof(cases) / sizeof(cases[0])));
	/* and every rule of the table has a hand-worked case: a new rule is not done without one */
	for (int r = 0; r < GD_NRULES; r++) {
		int found = 0;
		for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++)
			found |= cases[k].rule == (gd_rule)r;
		if (!found)
			fail_msg("%s has no hand-worked case (tests/hand_values.py, then a table here)", gd_rule_name((gd_rule)r));
	}
}

/* Adam's bias correction makes the first step exactly lr long per coordinate,
 * whatever the gradient's scale (course material, lecture 000). */
static void test_adam_first_step_is_lr(void **unused)
{
	(void)unused;
	int checked = 0;
	for (size_t i = 0; i < gd_update_count; i++) {
		const gd_update_entry *e = &gd_update_table[i];
		if (e->rule != GD_RULE_ADAM || !tu_row(e->isa, e->name))
			continue;
		checked++;
		gd_hparams hp;
		gd_hparams_default(GD_RULE_ADAM, &hp);
		hp.lr = 0.01;
		float w[4] = { 0, 0, 0, 0 }, g[4] = { 1e-3f, -50.0f, 2.0f, -0.25f };
		float m[4], v[4];
		void *state[2] = { m, v };
		gd_state_init_as(GD_RULE_ADAM, &hp, state, 4, GD_ST_F32);
		gd_step_carry carry = gd_step_carry_init();
		gd_step st;
		gd_step_prepare(GD_RULE_ADAM, &hp, 1, hp.lr, 1.0, &carry, &st);
		e->fn[GD_DT_F32](&hp, &st, w, g, state, 4, 0);
		for (int k = 0; k < 4; k++)
			if (!tu_close(fabsf(w[k]), 0.01, 1e-4, 0))
				fail_msg("%s: first step |dw[%d]| = %g, expected lr = 0.01", e->name, k, (double)fabsf(w[k]));
	}
	assert_true(checked > 0);
}

/* gd_state_init_as writes the rule's initial state into every element, and
 * not one past: adam zeros, adagrad its initial_accumulator_value, rprop's
 * step sizes lr; at every storage type and at lengths around its doubling
 * copies (1, 2, 3, a power of two and its neighbours, odd). */
static void test_state_init_every_element(void **unused)
{
	(void)unused;
	static const size_t lens[] = { 0, 1, 2, 3, 5, 8, 9, 1023, 1024, 1025, 4097 };
	const gd_rule rules[] = { GD_RULE_ADAM, GD_RULE_ADAGRAD, GD_RULE_RPROP };
	enum { NMAX = 4097, GUARD = 8 };
	static unsigned char buf[GD_MAX_STATE][(NMAX + GUARD) * 4];
	static float back[NMAX];
	for (size_t ri = 0; ri < sizeof(rules) / sizeof(rules[0]); ri++)
		for (int s = 0; s < GD_NSTORE; s++)
			for (size_t li = 0; li < sizeof(lens) / sizeof(lens[0]); li++) {
				gd_rule r = rules[ri];
				size_t n = lens[li], sz = gd_store_size((gd_store)s);
				gd_hparams hp;
				gd_hparams_default(r, &hp);
				hp.initial_accumulator_value = 0.125;
				hp.lr = 0.5;
				void *state[GD_MAX_STATE];
				for (int k = 0; k < GD_MAX_STATE; k++) {
					memset(buf[k], 0xab, sizeof(buf[k]));
					state[k] = buf[k];
				}
				gd_state_init_as(r, &hp, state, n, (gd_store)s);
				int ns = gd_rule_nstate(r, &hp);
				for (int k = 0; k < ns; k++) {
					float want = r == GD_RULE_ADAGRAD ? 0.125f : r == GD_RULE_RPROP && k == 1 ? 0.5f : 0.0f;
					gd_store_to_f32((gd_store)s, back, buf[k], n);
					for (size_t i = 0; i < n; i++)
						if (back[i] != want)
							fail_msg("rule %d store %d n %zu: state[%d][%zu] = %g, expected %g", (int)r, s, n, k,
							         i, (double)back[i], (double)want);
					for (size_t b = n * sz; b < (n + GUARD) * sz; b++)
						if (buf[k][b] != 0xab)
							fail_msg("rule %d store %d n %zu: state[%d] written past its end (byte %zu)", (int)r,
							         s, n, k, b);
				}
			}
}

int main(int argc, char **argv)
{
	static const tu_case all_cases[] = {
		TU_ISA_TEST(test_hand_worked),
		TU_ISA_TEST(test_adam_first_step_is_lr),
		TU_COMMON_TEST(test_state_init_every_element),
	};
	return tu_main(argc, argv, all_cases, sizeof(all_cases) / sizeof(all_cases[0]));
}
