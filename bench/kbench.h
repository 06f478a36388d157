/*
 * Kernel microbenchmarks registered by `gdbench kernels` (cmd_kernels.c):
 * update rules (kbench_update.c), gradient kernels (kbench_grad.c), sparse
 * gradient kernels (kbench_csr.c), and what they share (kbench_loop.c).
 * Each kind plans its benchmarks, registers them with Google Benchmark,
 * says how many it has and prints its summary table after gb_run.
 */
#ifndef GD_KBENCH_H
#define GD_KBENCH_H
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cpu.h"
#include "dtype.h"
#include "params.h"
#include "gb.h"
#include "registry.h"
#include "roofline.h"
#include "topo.h"

/* ---- shared (kbench_loop.c) ---- */

/*
 * The timing loop of every kernel benchmark. Each iteration times the kernel
 * and its ceiling (the memory-only work of the same access pattern) back to
 * back, the ceiling first on odd iterations so neither always runs on a warm
 * cache; the kernel's time alone is the iteration time (manual time). prepare
 * runs before each iteration, untimed (may be NULL).
 * With own_batches set, prepare also runs between the two, so the kernel and
 * the ceiling each take a batch of their own: rows the other has not just
 * brought into cache, as cold as a training step's. for_kernel says whose
 * batch it prepares (without own_batches: 1, the one batch both use).
 */
typedef struct kb_loop {
	void (*prepare)(void *user, int for_kernel);
	void (*kernel)(void *user);
	void (*ceiling)(void *user);
	void *user;
	int own_batches;
} kb_loop;
typedef struct kb_times {
	double kernel_s, ceiling_s; /* summed over the iterations */
	long iters;
} kb_times;
kb_times kb_time_loop(gb_state *gs, const kb_loop *l);
/* Mark the benchmark failed with why and let Google Benchmark's loop end. */
void kb_skip(gb_state *gs, const char *why);

/* Whether a registry row of level isa and implementation impl runs under
 * --isa cap and --impl impls (gd_impl_parse's set): its level is at most cap
 * and impls names its implementation, or has 'best' and is_best is set (the
 * row is the one 'best' picks for this kernel and shape). */
int kb_row_wanted(gd_isa isa, gd_impl impl, int is_best, gd_isa cap, unsigned impls);
/* perm[0..n): the fixed permutation of the rows that minibatches walk
 * (Fisher-Yates from seed 7, stream 0: the same for every kernel). */
void kb_permutation(uint32_t *perm, size_t n);
/* Thread tid of nt's slice [lo, hi) of n elements, in 16-element granules
 * (64 bytes of floats: slices never share a cache line). */
void kb_slice(size_t n, int tid, int nt, size_t *lo, size_t *hi);
/* Deterministic inputs of an update benchmark at storage dt: elements
 * [lo, lo + n) of the whole vector (g in [-1, 1) and never 0, w around 0.5,
 * the rule's initial state) into arrays that start at element lo. */
void kb_fill_update(gd_rule r, const gd_hparams *hp, gd_dtype dt, void *w, void *g, void *const state[], size_t lo,
                    size_t n);
/* Whether run_name (a result's) is the benchmark registered as name: name
 * followed by nothing or by what Google Benchmark appends (/manual_time,
 * /threads:N, ...), so "adam/.../n:4096" is not "adam/.../n:4096/bf16_bf16_f32". */
int kb_name_is(const char *run_name, const char *name);
/* The counters keys[0..n) of benchmark name's result at `threads` (0: any) (the median when
 * repeated) after gb_run; 0, or -1 when it has none. */
int kb_result(const char *name, int threads, const char *const *keys, int nkeys, double *vals);

/* ---- update rules (kbench_update.c): rule x size x thread count x variant ---- */

/* Plan the benchmarks of the rules with rules_on[rule] set, at each storage
 * dtype dts[0..ndt), in table order within each size, thread count and
 * dtype. sizes: the --sizes list (L1, L2, L3, DRAM, counts like 4096, 64K,
 * 16M; cache levels sized for f32 storage, so every dtype runs the same
 * element count). Threads are pinned to pus[] (which must
 * outlive the run). Returns 0, GD_EINVAL with the reason in err (a word that
 * is no size, a cache level hwloc does not report, a size over half the
 * memory) or GD_ENOMEM. */
int kupd_plan(const int *rules_on, const char *sizes, const gd_dtype *dts, int ndt, const int *threads, int nthr,
              gd_isa cap, unsigned impls, const gd_topo *topo, const int *pus, char *err, size_t errlen);
/* Register the planned benchmarks; on failure *failed names the one refused. */
int kupd_register(double min_time, const char **failed);
size_t kupd_count(void);
/* The table after gb_run: Gelem/s and roofline fraction per rule x size x
 * threads and variant; warns of a memory-only ceiling below the triad
 * measured in the same run (triad[0..ntriad): 1 and the most threads). */
void kupd_summary(FILE *out, const gd_roofline *triad, int ntriad);

/* ---- parameter sets (kbench_params.c): rule x set x dtype x threads x variant x mode ---- */

/* Plan one step over each set (flat, multi-tensor, per-tensor) for the rules
 * with rules_on[rule] set, at each dtype. 0, GD_EINVAL with the reason in err
 * (a set too big for half the memory) or GD_ENOMEM. sets must outlive the run. */
int kpar_plan(const int *rules_on, const gd_param_set *sets, int nsets, const gd_dtype *dts, int ndt,
              const int *threads, int nthr, gd_isa cap, unsigned impls, const gd_topo *topo, const int *pus,
              char *err, size_t errlen);
int kpar_register(double min_time, const char **failed);
size_t kpar_count(void);
/* The table after gb_run: Gelem/s and ceiling fraction per mode, ns of overhead per tensor. */
void kpar_summary(FILE *out);

/* ---- torch.optim beside them (kbench_peer.c, tools/peer-torch.py) ---- */

typedef struct kpeer_req {
	const char *rules;          /* "adam,sgd" */
	const char *sizes;          /* element counts "4096,16777216", or "" */
	const gd_param_set *sets;   /* written to JSON files for the script */
	int nsets;
	const char *dtypes;         /* "f32/f32/f32,bf16/bf16/bf16" */
	const char *threads;        /* "1,2" */
	double min_time;            /* 0: the script's default */
} kpeer_req;
/* The script (GDBENCH_PEER_TORCH, else the source tree's tools/peer-torch.py). */
const char *kpeer_script(void);
/* One round of peer-torch.py into out (GDBENCH_PYTHON, else /usr/bin/python3).
 * 0, or GD_EIO with the reason in err. */
int kpeer_round(const kpeer_req *q, const char *out, char *err, size_t errlen);
/* Both rounds' benchmarks in one file, written atomically. */
int kpeer_merge(const char *a, const char *b, const char *out, char *err, size_t errlen);
/* gdbench-compare OURS PEER on stdout: its exit status, or -ENOENT. */
int kpeer_compare(const char *ours, const char *peer);
/* The distinct element counts of the planned flat benchmarks, "4096,65536". */
void kupd_counts(char *out, size_t len);

/* ---- gradient kernels (kbench_grad.c): model x batch x variant ---- */

typedef struct kgrad kgrad;

/* Plan model x batch x variant benchmarks (batch 0 = all 60000 rows).
 * Scalar variants at the full batch only when scalar_full is set (an MLP
 * scalar pass takes ~10 s). peak[l]: one core's FMA GFLOP/s measured now at
 * ISA level l, up to the process's (gd_cpu_get()->max: the rows' peak). */
int kgrad_plan(const int *models_on, const size_t *batches, int nbatch, gd_isa cap, unsigned impls,
               int scalar_full, const gd_topo *topo, int pu, const double *peak);
int kgrad_register(double min_time);
size_t kgrad_count(void);
/* The table after gb_run: rows/s, GFLOP/s, fraction of peak and isa_peak, xread per benchmark. */
void kgrad_summary(FILE *out);

/* ---- sparse (CSR) gradient kernels (kbench_csr.c): model x batch (0 = all rows) x variant ---- */

int kcsr_plan(const int *models_on, const size_t *batches, int nbatch, gd_isa cap, unsigned impls,
              const gd_topo *topo, int pu);
int kcsr_register(double min_time);
size_t kcsr_count(void);
void kcsr_summary(FILE *out);

/* ---- Muon's Newton-Schulz (kbench_muon.c): `kernels --what ns`, its own options and table ---- */

/* Whether argv (kernels' arguments) asks for --what ns. */
int kmuon_wanted(int argc, char **argv);
/* The whole command for --what ns: an exit status. */
int kmuon_cmd(int argc, char **argv);
#endif
