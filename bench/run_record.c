/* The result file of `gdbench run`: the document with this machine's context, and each run's record (run_record.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "gd_error.h"
#include "roofline.h"
#include "run_record.h"

static char *join_args(int argc, char **argv)
{
	size_t len = 16;
	for (int i = 0; i < argc; i++)
		len += strlen(argv[i]) + 1;
	char *s = malloc(len);
	if (!s)
		return NULL;
	strcpy(s, "gdbench");
	for (int i = 0; i < argc; i++) {
		strcat(s, " ");
		strcat(s, argv[i]);
	}
	return s;
}

int run_doc_open(const gd_topo *topo, gd_isa cap, const gd_comm *cm, int roofline, const int *threads, int nthr,
                 int over, int argc, char **argv, const char *out_path, int append, json_t **doc, char *why,
                 size_t whylen)
{
	gd_build_info binfo = cli_build_info();
	json_t *ctx = gd_context_new(topo, cap, &binfo);
	if (ctx)
		json_object_set_new(ctx, "openblas_threads_used", json_integer(1));
	if (ctx && cm) {
		json_object_set_new(ctx, "mpi_ranks", json_integer(cm->size));
		json_object_set_new(ctx, "mpi_library", json_string(cm->library));
	}
	if (cm && cm->rank != 0)
		roofline = 0; /* measured on rank 0 only: the file is rank 0's */
	/* the roofline of this machine now, on 1 and on the most threads asked for */
	for (int k = 0, tmax = 1; roofline && ctx && k < 2; k++) {
		for (int t = 0; t < nthr; t++)
			tmax = threads[t] > tmax ? threads[t] : tmax;
		int T = k == 0 ? 1 : tmax, pus[1024];
		if (k == 1 && tmax == 1)
			break;
		gd_roofline rl;
		if (gd_topo_plan(topo, GD_PLACE_COMPACT, T, over, pus) == 0 &&
		    gd_roofline_measure(topo, pus, T, GD_ISA_TOP, (size_t)256 << 20, &rl) == 0) {
			char key[32];
			snprintf(key, sizeof(key), "roofline_%dt", T);
			gd_context_add_roofline(ctx, key, &rl);
		}
	}
	char *cmdline = join_args(argc, argv);
	int rc = 0;
	*doc = NULL;
	if (append && access(out_path, F_OK) == 0) {
		json_error_t jerr;
		*doc = json_load_file(out_path, 0, &jerr);
		if (!*doc || !json_is_array(json_object_get(*doc, "runs"))) {
			snprintf(why, whylen, "%s", *doc ? "no runs" : jerr.text);
			json_decref(*doc);
			*doc = NULL;
			rc = GD_EFORMAT;
		}
	} else {
		*doc = gd_results_new(ctx, cmdline);
	}
	json_decref(ctx);
	free(cmdline);
	return rc;
}

json_t *run_record(const gd_run_desc *d, const gd_run_cfg *cfg, const gd_run_out *o, json_t *mj,
                   const gd_dataset *train, int keep_params)
{
	json_t *rj = gd_run_json(d, cfg, o);
	if (rj && mj)
		json_object_set_new(rj, "mpi", mj);
	else
		json_decref(mj);
	if (rj && train->rowptr)
		json_object_set_new(rj, "sparse", json_pack("{s:s, s:I, s:s, s:b, s:f}", "storage", "csr", "nnz",
		                                            (json_int_t)train->nnz, "update",
		                                            cfg->sparse_dense ? "dense" : "lazy", "exact", gd_lazy_exact(cfg),
		                                            "coords_per_step", o->coords_per_step));
	if (rj && cfg->hog_lock)
		json_object_set_new(rj, "hogwild_lock", json_true());
	if (rj && keep_params && o->params) {
		json_t *pa = json_array();
		for (size_t j = 0; j < gd_model_nparams(&cfg->model); j++)
			json_array_append_new(pa, json_real(o->params[j]));
		json_object_set_new(rj, "final_params", pa);
	}
	return rj;
}
