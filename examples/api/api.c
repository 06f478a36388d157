/* Look an update kernel up by name in the installed libgdbench and run 10 steps of it on f(w) = |w|^2 / 2. */
#include <stdio.h>

#include <gdbench/api.h>

int main(int argc, char **argv)
{
	const char *name = argc > 1 ? argv[1] : "adam/scalar";
	gdbench_update_kernel k;
	int rc = gdbench_update_find(name, &k);
	if (rc) {
		fprintf(stderr, "api: %s: %s\n", name, gd_strerror(rc));
		return 1;
	}
	enum { N = 1000 };
	static float w[N], g[N], state[GD_MAX_STATE][N];
	void *const st[GD_MAX_STATE] = { state[0], state[1], state[2] };
	gd_hparams hp;
	gd_hparams_default(k.rule, &hp);
	gd_state_init(k.rule, &hp, (float *const *)st, N);
	gd_step_carry carry = gd_step_carry_init();
	for (int i = 0; i < N; i++)
		w[i] = 1.0f;
	for (long t = 1; t <= 10; t++) {
		for (int i = 0; i < N; i++)
			g[i] = w[i]; /* the gradient of |w|^2 / 2 */
		gd_step s;
		gd_step_prepare(k.rule, &hp, t, hp.lr, 1.0, &carry, &s);
		k.fn[GD_DT_F32](&hp, &s, w, g, st, N, 0);
	}
	printf("%s: w[0] = %.7f after 10 steps\n", k.name, w[0]);
	return 0;
}
