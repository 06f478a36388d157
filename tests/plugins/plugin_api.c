/*
 * The installed API's plugin loader (api.h: gdbench_plugin_load) from a
 * program, for tests/ref_adabelief.py: load a plugin, find ROW among the
 * registry's names, run STEPS steps of it on fixed inputs and print w after
 * each step, which the script compares with its own implementation.
 *   plugin_api PLUGIN ROW LR BETA1 BETA2 EPS WD STEPS   (exit 77: this CPU cannot run ROW)
 *   plugin_api --refused PLUGIN                          (exit 0 if the load is refused by verification)
 * Built against the installed package by tools/install-check.sh (pkg-config gdbench).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gdbench/api.h>

#define N 37 /* not a multiple of any vector width: the masked tail runs too */

int main(int argc, char **argv)
{
	char why[512] = "";
	if (argc == 3 && !strcmp(argv[1], "--refused")) {
		int rc = gdbench_plugin_load(argv[2], why, sizeof(why));
		printf("%s: %s\n", gd_strerror(rc), why);
		return rc == GD_EVERIFY ? 0 : 1;
	}
	if (argc != 9) {
		fprintf(stderr, "usage: plugin_api PLUGIN ROW LR BETA1 BETA2 EPS WD STEPS\n");
		return 2;
	}
	int rc = gdbench_plugin_load(argv[1], why, sizeof(why));
	if (rc) {
		fprintf(stderr, "plugin_api: %s: %s\n", argv[1], why);
		return 1;
	}
	int listed = 0;
	for (size_t i = 0; gdbench_update_name(i); i++)
		listed |= !strcmp(gdbench_update_name(i), argv[2]);
	gdbench_update_kernel k;
	rc = gdbench_update_find(argv[2], &k);
	if (rc == GD_ENOCPU)
		return 77;
	if (rc || !listed) {
		fprintf(stderr, "plugin_api: %s: %s\n", argv[2], rc ? gd_strerror(rc) : "not among gdbench_update_name's");
		return 1;
	}
	gd_hparams hp;
	gd_hparams_default(k.rule, &hp);
	hp.lr = atof(argv[3]);
	hp.beta1 = atof(argv[4]);
	hp.beta2 = atof(argv[5]);
	hp.eps = atof(argv[6]);
	hp.weight_decay = atof(argv[7]);
	const char *what = "";
	if ((rc = gd_hparams_check(k.rule, &hp, &what))) {
		fprintf(stderr, "plugin_api: %s\n", what);
		return 1;
	}
	static float w[N], g[N], state[GD_MAX_STATE][N];
	void *const st[GD_MAX_STATE] = { state[0], state[1], state[2] };
	gd_state_init(k.rule, &hp, (float *const *)st, N);
	for (int i = 0; i < N; i++)
		w[i] = (float)(0.5 * sin(i + 1.0));
	gd_step_carry carry = gd_step_carry_init();
	for (long t = 1; t <= atol(argv[8]); t++) {
		for (int i = 0; i < N; i++)
			g[i] = (float)cos(0.7 * i * (double)t + 0.3);
		gd_step s;
		gd_step_prepare(k.rule, &hp, t, hp.lr, 1.0, &carry, &s);
		k.fn[GD_DT_F32](&hp, &s, w, g, st, N, 0);
		printf("w %ld", t);
		for (int i = 0; i < N; i++)
			printf(" %.9g", w[i]);
		printf("\n");
	}
	return 0;
}
