/* `gdbench kernels`' context block: what its results record of the machine and the run. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "context.h"
#include "dataset.h"
#include "gb.h"
#include "kernels_plan.h"

/* Flatten the context object into Google Benchmark's string context. */
static void add_context(json_t *ctx)
{
	const char *key;
	json_t *v;
	json_object_foreach(ctx, key, v) {
		if (json_is_string(v)) {
			gb_add_context(key, json_string_value(v));
		} else {
			char *s = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
			if (s)
				gb_add_context(key, s);
			free(s);
		}
	}
}

void kplan_context(const gd_topo *topo, gd_isa cap, const int *pus, int npu, const gd_roofline *triad, int ntriad,
                   int grads, const double *grad_peak)
{
	gd_build_info b = cli_build_info();
	json_t *ctx = gd_context_new(topo, cap, &b);
	if (!ctx)
		return;
	char place[256] = "";
	for (int i = 0; i < npu && i < 32; i++)
		snprintf(place + strlen(place), sizeof(place) - strlen(place), "%s%d", i ? "," : "", pus[i]);
	json_object_set_new(ctx, "placement", json_string("compact"));
	json_object_set_new(ctx, "thread_pus", json_string(place));
	json_object_set_new(ctx, "ceiling_kernel", json_string(gd_isa_name(gd_cpu_get()->max)));
	for (int k = 0; k < ntriad; k++) {
		char key[32];
		snprintf(key, sizeof(key), "roofline_%dt", triad[k].threads);
		gd_context_add_roofline(ctx, key, &triad[k]);
	}
	if (grads) {
		json_object_set_new(ctx, "fma_peak_GFLOPs_1core", json_real(grad_peak[gd_cpu_get()->max]));
		/* each level's, up to the process's: the rows' isa_peak */
		for (int l = 0; l < GD_NISA; l++) {
			char key[64];
			snprintf(key, sizeof(key), "fma_peak_GFLOPs_1core_%s", gd_isa_name((gd_isa)l));
			if (grad_peak[l] > 0)
				json_object_set_new(ctx, key, json_real(grad_peak[l]));
		}
		json_object_set_new(ctx, "gradient_data",
		                    json_string(access(GD_FASHION_MNIST_DIR "/train-images-idx3-ubyte.gz", R_OK) == 0
		                                        ? "fashion-mnist/train 60000x784"
		                                        : "synth-blobs 60000x784 (Fashion-MNIST not installed)"));
		json_object_set_new(ctx, "gradient_openblas_threads", json_integer(1));
	}
	add_context(ctx);
	json_decref(ctx);
}
