/* Gradient-kernel microbenchmarks (kbench_grad.c), registered by `gdbench kernels`. */
#ifndef GD_KBENCH_H
#define GD_KBENCH_H
#include <stdio.h>

#include "cpu.h"
#include "gb.h"
#include "topo.h"

typedef struct kgrad kgrad;

/* Plan model x batch x variant benchmarks (batch 0 = all 60000 rows).
 * Scalar variants at the full batch only when scalar_full is set (an MLP
 * scalar pass takes ~10 s). peak: one core's FMA GFLOP/s measured now. */
int kgrad_plan(const int *models_on, const size_t *batches, int nbatch, gd_isa cap, unsigned impls,
               int scalar_full, const gd_topo *topo, int pu, double peak);
int kgrad_register(double min_time);
size_t kgrad_count(void);
/* The table after gb_run: rows/s, GFLOP/s, fraction of peak, xread per benchmark. */
void kgrad_summary(FILE *out);

/* The counters keys[0..n) of benchmark name's result (the median when
 * repeated) after gb_run; 0, or -1 when it has none. */
int kb_result(const char *name, const char *const *keys, int nkeys, double *vals);

/* Sparse (CSR) gradient kernels (kbench_csr.c): model x batch (0 = all rows) x variant. */
int kcsr_plan(const int *models_on, const size_t *batches, int nbatch, gd_isa cap, unsigned impls,
              const gd_topo *topo, int pu);
int kcsr_register(double min_time);
size_t kcsr_count(void);
void kcsr_summary(FILE *out);
#endif
