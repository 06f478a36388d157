/* The --opt vocabulary: torch.optim names onto rules, and sweep expansion (lists, log and linear grids). */
#include <stdlib.h>
#include <string.h>

#include "gd_error.h"
#include "optspec.h"
#include "testutil.h"

/* A key is accepted only for a rule whose row (kernels/rules.h) reads it, unless it leaves the
 * rule's own value; the messages list the table's names. */
static void test_keys_from_the_table(void **unused)
{
	(void)unused;
	gd_optspec o;
	char err[512];
	/* adam:rho=0.3 used to run as plain Adam */
	assert_int_equal(gd_optspec_parse("adam:rho=0.3", &o, err, sizeof(err)), GD_EINVAL);
	assert_non_null(strstr(err, "adam does not read 'rho'"));
	assert_non_null(strstr(err, "betas"));
	assert_int_equal(gd_optspec_parse("rprop:eps=1e-3", &o, err, sizeof(err)), GD_EINVAL);
	assert_int_equal(gd_optspec_parse("sgd:dampening=0.3", &o, err, sizeof(err)), GD_EINVAL);
	/* torch's SGD flags that change nothing stay accepted */
	assert_int_equal(gd_optspec_parse("sgd:momentum=0:nesterov=0", &o, err, sizeof(err)), 0);
	assert_int_equal(o.rule, GD_RULE_SGD);
	assert_int_equal(gd_optspec_parse("adam:amsgrad=0", &o, err, sizeof(err)), 0);
	assert_int_equal(o.rule, GD_RULE_ADAM);
	/* every rule's name and every key its row lists parse, at the rule's defaults */
	for (int r = 0; r < GD_NRULES; r++) {
		const gd_rule_info *ri = gd_rule_info_of((gd_rule)r);
		assert_int_equal(gd_optspec_parse(ri->name, &o, err, sizeof(err)), 0);
		assert_int_equal(o.rule, r);
		char spec[128];
		snprintf(spec, sizeof(spec), "%s:lr=%g", ri->name, ri->defaults.lr);
		assert_int_equal(gd_optspec_parse(spec, &o, err, sizeof(err)), 0);
	}
	/* Lion: the table's defaults (lr 1e-4, betas 0.9/0.99) and decoupled decay */
	assert_int_equal(gd_optspec_parse("lion:weight_decay=0.1", &o, err, sizeof(err)), 0);
	assert_int_equal(o.rule, GD_RULE_LION);
	assert_true(o.hp.lr == 1e-4 && o.hp.beta1 == 0.9 && o.hp.beta2 == 0.99 && o.hp.weight_decay == 0.1);
	assert_true(gd_rule_info_of(GD_RULE_LION)->decoupled);
	assert_int_equal(gd_optspec_parse("lion:eps=1e-8", &o, err, sizeof(err)), GD_EINVAL);
	/* the unknown-name messages come from the table */
	assert_int_equal(gd_optspec_parse("sdg", &o, err, sizeof(err)), GD_EINVAL);
	for (int r = 0; r < GD_NRULES; r++)
		assert_non_null(strstr(err, gd_rule_name((gd_rule)r)));
	assert_int_equal(gd_optspec_parse("adam:bogus=1", &o, err, sizeof(err)), GD_EINVAL);
	for (int k = 0; k < GD_NKEYS; k++)
		assert_non_null(strstr(err, gd_key_name(k)));
}

static void test_names_to_rules(void **unused)
{
	(void)unused;
	gd_optspec o;
	char err[512];
	assert_int_equal(gd_optspec_parse("sgd:lr=0.1:momentum=0.9", &o, err, sizeof(err)), 0);
	assert_int_equal(o.rule, GD_RULE_MOMENTUM);
	assert_true(o.hp.lr == 0.1 && o.hp.momentum == 0.9);
	assert_int_equal(gd_optspec_parse("sgd:lr=0.1:momentum=0.9:nesterov=1", &o, err, sizeof(err)), 0);
	assert_int_equal(o.rule, GD_RULE_NESTEROV);
	assert_int_equal(gd_optspec_parse("adam:amsgrad=1:betas=0.8/0.99", &o, err, sizeof(err)), 0);
	assert_int_equal(o.rule, GD_RULE_AMSGRAD);
	assert_true(o.hp.beta1 == 0.8 && o.hp.beta2 == 0.99);
	assert_int_equal(gd_optspec_parse("lbfgs:m=5", &o, err, sizeof(err)), 0);
	assert_true(o.kind == GD_OPT_LBFGS && o.lbfgs_m == 5);
	assert_int_equal(gd_optspec_parse("sgd:nesterov=1", &o, err, sizeof(err)), GD_EINVAL);
	assert_non_null(strstr(err, "needs momentum"));
	assert_int_equal(gd_optspec_parse("rmsprop:amsgrad=1", &o, err, sizeof(err)), GD_EINVAL);
	assert_int_equal(gd_optspec_parse("adam:betas=0.9", &o, err, sizeof(err)), GD_EINVAL);
	assert_non_null(strstr(err, "two numbers"));
	assert_int_equal(gd_optspec_parse("adam:lr=-1", &o, err, sizeof(err)), GD_ERANGE);
	assert_int_equal(gd_optspec_parse("newton:lr=1", &o, err, sizeof(err)), GD_EINVAL);
}

static void test_sweeps(void **unused)
{
	(void)unused;
	char out[64][96], err[512];
	int n;
	/* a log grid: 4 points from 1e-4 to 1e-1, a decade apart */
	assert_int_equal(gd_optspec_expand("adam:lr=1e-4..1e-1:log4:eps=1e-7", out, 64, &n, err, sizeof(err)), 0);
	assert_int_equal(n, 4);
	assert_string_equal(out[0], "adam:eps=1e-7:lr=0.0001");
	assert_string_equal(out[3], "adam:eps=1e-7:lr=0.1");
	for (int k = 0; k < 4; k++) {
		double lr = atof(strstr(out[k], "lr=") + 3);
		assert_true(tu_close(lr, 1e-4 * pow(10, k), 1e-5, 0));
	}
	/* log8 over three decades: equal ratios between neighbours */
	assert_int_equal(gd_optspec_expand("sgd:lr=1e-3..1:log8", out, 64, &n, err, sizeof(err)), 0);
	assert_int_equal(n, 8);
	for (int k = 1; k < 8; k++)
		assert_true(tu_close(atof(out[k] + 7) / atof(out[k - 1] + 7), pow(1000.0, 1.0 / 7), 1e-4, 0));
	/* a list and a linear grid: their cross product, the last key fastest */
	assert_int_equal(gd_optspec_expand("sgd:lr=0.01|0.1:momentum=0.5..0.9:lin3", out, 64, &n, err, sizeof(err)), 0);
	assert_int_equal(n, 6);
	assert_string_equal(out[0], "sgd:lr=0.01:momentum=0.5");
	assert_string_equal(out[1], "sgd:lr=0.01:momentum=0.7");
	assert_string_equal(out[5], "sgd:lr=0.1:momentum=0.9");
	/* no sweep: the text as given */
	assert_int_equal(gd_optspec_expand("adam:lr=0.001", out, 64, &n, err, sizeof(err)), 0);
	assert_int_equal(n, 1);
	assert_string_equal(out[0], "adam:lr=0.001");
	/* bad grids say what is wrong */
	assert_int_equal(gd_optspec_expand("adam:lr=1e-4..1e-1", out, 64, &n, err, sizeof(err)), GD_EINVAL);
	assert_non_null(strstr(err, "A..B:logN"));
	assert_int_equal(gd_optspec_expand("adam:lr=0..1:log4", out, 64, &n, err, sizeof(err)), GD_ERANGE);
	assert_non_null(strstr(err, "A, B > 0"));
	assert_int_equal(gd_optspec_expand("adam:lr=1..0.1:log4", out, 64, &n, err, sizeof(err)), GD_ERANGE);
	assert_int_equal(gd_optspec_expand("adam:lr=1e-4..1e-1:log0", out, 64, &n, err, sizeof(err)), GD_EINVAL);
	assert_int_equal(gd_optspec_expand("adam:lr=a..b:log4", out, 64, &n, err, sizeof(err)), GD_EINVAL);
	assert_int_equal(gd_optspec_expand("adam:lr=1e-4..1:log9:eps=1e-8|1e-7|1e-6|1e-5|1e-4|1e-3|1e-2|0.1", out, 64,
	                                   &n, err, sizeof(err)), GD_ERANGE); /* 72 settings */
	/* the list form of --opt expands and parses every setting */
	gd_optspec specs[32];
	assert_int_equal(gd_optspec_parse_list("sgd:lr=0.1,adam:lr=1e-3|1e-2", specs, 32, &n, err, sizeof(err)), 0);
	assert_int_equal(n, 3);
	assert_true(specs[2].rule == GD_RULE_ADAM && specs[2].hp.lr == 1e-2);
	assert_int_equal(gd_optspec_parse_list("adam:lr=0|1e-2", specs, 32, &n, err, sizeof(err)), GD_ERANGE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names_to_rules),
		cmocka_unit_test(test_keys_from_the_table),
		cmocka_unit_test(test_sweeps),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
