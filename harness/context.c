/* Builds the context block with jansson; read by `gdbench info`, `kernels` and result files. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include <cblas.h>

#include "context.h"
#include "plugins.h"

/* OpenBLAS extensions (declared by Debian's cblas.h, repeated for other headers) */
char *openblas_get_config(void);
char *openblas_get_corename(void);
int openblas_get_num_threads(void);

json_t *gd_context_new(const gd_topo *t, gd_isa isa, const gd_build_info *b)
{
	const gd_cpu *cpu = gd_cpu_get();
	json_t *c = json_object();
	if (!c)
		return NULL;
	char buf[512];
	json_object_set_new(c, "cpu_model", json_string(cpu->model));
	json_object_set_new(c, "cpu_flags", json_string(cpu->flags));
	json_object_set_new(c, "isa_max", json_string(gd_isa_name(cpu->max)));
	json_object_set_new(c, "isa_refused", json_string(cpu->refused));
	json_object_set_new(c, "isa", json_string(gd_isa_name(isa)));
	json_object_set_new(c, "isa_hw_max", json_string(gd_isa_name(cpu->hw_max)));
	if (cpu->cap_env[0])
		json_object_set_new(c, "isa_cap_env", json_string(cpu->cap_env));
	json_object_set_new(c, "machine_id", json_string(cpu->machine_id));
	json_object_set_new(c, "stream_ahead", json_integer((json_int_t)cpu->stream_ahead));
	json_object_set_new(c, "stream_ahead_src", json_string(cpu->stream_src));
	/* an emulator's timings are not measurements: the file says so, and
	 * gdbench-compare refuses it */
	if (cpu->emulated[0])
		json_object_set_new(c, "emulated", json_string(cpu->emulated));
	gd_plugin_context(c); /* the plugins loaded, and whether they were verified */
	if (t) {
		size_t l1, l2, l3;
		gd_topo_describe(t, buf, sizeof(buf));
		json_object_set_new(c, "topology", json_string(buf));
		json_object_set_new(c, "pus", json_integer(gd_topo_npu(t)));
		json_object_set_new(c, "cores", json_integer(gd_topo_ncore(t)));
		gd_topo_caches(t, &l1, &l2, &l3);
		json_object_set_new(c, "cache_l1d", json_integer((json_int_t)l1));
		json_object_set_new(c, "cache_l2", json_integer((json_int_t)l2));
		json_object_set_new(c, "cache_l3", json_integer((json_int_t)l3));
	}
	json_object_set_new(c, "openblas_corename", json_string(openblas_get_corename()));
	json_object_set_new(c, "openblas_config", json_string(openblas_get_config()));
	json_object_set_new(c, "openblas_threads", json_integer(openblas_get_num_threads()));
	const char *ct = getenv("OPENBLAS_CORETYPE");
	json_object_set_new(c, "openblas_coretype_env", ct ? json_string(ct) : json_null());
	if (b) {
		json_object_set_new(c, "gdbench_version", json_string(b->version));
		json_object_set_new(c, "git_revision", json_string(b->git_revision));
		json_object_set_new(c, "compiler", json_string(b->compiler));
		json_object_set_new(c, "build_type", json_string(b->build_type));
		json_object_set_new(c, "cflags", json_string(b->cflags));
	}
	if (gethostname(buf, sizeof(buf)) == 0) {
		buf[sizeof(buf) - 1] = 0;
		json_object_set_new(c, "host", json_string(buf));
	}
	struct utsname u;
	if (uname(&u) == 0) {
		snprintf(buf, sizeof(buf), "%s %s %s", u.sysname, u.release, u.machine);
		json_object_set_new(c, "kernel", json_string(buf));
	}
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
	json_object_set_new(c, "date", json_string(buf));
	double la[3];
	if (getloadavg(la, 3) == 3)
		json_object_set_new(c, "load_avg_1m", json_real(la[0]));
	return c;
}

int gd_context_add_roofline(json_t *ctx, const char *key, const gd_roofline *r)
{
	json_t *o = json_pack("{s:i, s:s, s:I, s:f, s:f, s:f, s:f}", "threads", r->threads,
	                      "isa", gd_isa_name(r->isa), "array_bytes", (json_int_t)r->array_bytes,
	                      "copy_GBps", r->copy_gbs, "triad_GBps", r->triad_gbs,
	                      "fma_GFLOPs", r->fma_gflops, "fma_GFLOPs_per_core", r->fma_gflops_core);
	return o ? json_object_set_new(ctx, key, o) : -1;
}
