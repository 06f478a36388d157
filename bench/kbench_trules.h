/* `gdbench kernels --params`: the per-tensor rules' steps (kbench_trules.c). */
#ifndef GD_KBENCH_TRULES_H
#define GD_KBENCH_TRULES_H
#include <stddef.h>
#include <stdio.h>

#include "cpu.h"
#include "params.h"
#include "topo.h"
#include "trules.h"

/* Plan a step of each rule with trule_on[rule] set over each set, on each
 * worker count, f32 (the caller refuses other dtypes). A set with no 2-D
 * tensor gets no Muon row. 0, GD_EINVAL with the reason in err (a set too big
 * for half the memory) or GD_ENOMEM. */
int ktr_plan(const int *trule_on, const gd_param_set *sets, int nsets, const int *threads, int nthr, gd_isa cap,
             unsigned impls, const gd_topo *topo, const int *pus, char *err, size_t errlen);
int ktr_register(double min_time, const char **failed);
size_t ktr_count(void);
void ktr_summary(FILE *out);

#endif
