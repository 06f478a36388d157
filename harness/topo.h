/* Hardware topology through hwloc: caches, thread placement planned from the allowed cpuset, binding. */
#ifndef GD_TOPO_H
#define GD_TOPO_H

#include <stddef.h>

typedef struct gd_topo gd_topo;

typedef enum { GD_PLACE_COMPACT, GD_PLACE_SCATTER, GD_PLACE_NONE } gd_place;

/* Load this machine's topology, restricted to the cpuset the process was
 * launched with (taskset, mpirun, cgroups). Returns 0 or GD_ETOPO. */
int gd_topo_open(gd_topo **out);
/* A synthetic topology such as "pack:2 numa:2 core:4 pu:2" (for tests). */
int gd_topo_open_synthetic(const char *desc, gd_topo **out);
void gd_topo_close(gd_topo *t);

int gd_topo_npu(const gd_topo *t);    /* allowed processing units */
int gd_topo_ncore(const gd_topo *t);
/* 1 if PU os_index exists and this process may run on it. */
int gd_topo_has_pu(const gd_topo *t, int os_index);  /* cores with at least one allowed PU */
/* Data cache sizes in bytes per level 1..3 (0 where hwloc reports none). */
void gd_topo_caches(const gd_topo *t, size_t *l1d, size_t *l2, size_t *l3);
/* hwloc's synthetic description of the allowed topology, e.g. "Package:1 Core:2 PU:1". */
int gd_topo_describe(const gd_topo *t, char *buf, size_t len);

/*
 * Plan nthreads PUs (OS indexes into pus[]). compact: one PU per core in
 * core order, then the cores' second PUs, and so on; scatter: hwloc_distrib
 * over the whole allowed tree, singlified; none: every entry -1 (unbound).
 * More threads than allowed PUs gives GD_ERANGE unless oversubscribe, in
 * which case the plan wraps around.
 */
int gd_topo_plan(const gd_topo *t, gd_place policy, int nthreads, int oversubscribe, int *pus);

/* Bind the calling thread to PU os_index (HWLOC_CPUBIND_THREAD) and report
 * the PU it ran on right after (-1 if unknown). Returns 0 or GD_EBIND with
 * errno kept. os_index < 0 does nothing. */
int gd_topo_bind_self(const gd_topo *t, int os_index, int *observed);

#endif
