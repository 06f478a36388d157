/* hwloc topology: load once, restrict to the launch cpuset, plan and bind threads. */
#include <errno.h>
#include <hwloc.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>

#include "gd_error.h"
#include "topo.h"

struct gd_topo {
	hwloc_topology_t h;
};

static int finish_open(hwloc_topology_t h, int restrict_to_launch, gd_topo **out)
{
	if (hwloc_topology_load(h) < 0)
		goto err;
	if (restrict_to_launch) {
		/* taskset and mpirun bind the process; hwloc does not restrict to it by itself */
		hwloc_bitmap_t set = hwloc_bitmap_alloc();
		if (!set)
			goto err;
		if (hwloc_get_cpubind(h, set, HWLOC_CPUBIND_PROCESS) == 0 && !hwloc_bitmap_iszero(set))
			hwloc_topology_restrict(h, set, 0); /* on failure keep the whole machine */
		hwloc_bitmap_free(set);
	}
	gd_topo *t = malloc(sizeof(*t));
	if (!t)
		goto err;
	t->h = h;
	*out = t;
	return 0;
err:
	hwloc_topology_destroy(h);
	return GD_ETOPO;
}

int gd_topo_open(gd_topo **out)
{
	hwloc_topology_t h;
	if (hwloc_topology_init(&h) < 0)
		return GD_ETOPO;
	return finish_open(h, 1, out);
}

int gd_topo_open_synthetic(const char *desc, gd_topo **out)
{
	hwloc_topology_t h;
	if (hwloc_topology_init(&h) < 0)
		return GD_ETOPO;
	if (hwloc_topology_set_synthetic(h, desc) < 0) {
		hwloc_topology_destroy(h);
		return GD_EINVAL;
	}
	return finish_open(h, 0, out);
}

void gd_topo_close(gd_topo *t)
{
	if (!t)
		return;
	hwloc_topology_destroy(t->h);
	free(t);
}

int gd_topo_npu(const gd_topo *t)
{
	return hwloc_get_nbobjs_by_type(t->h, HWLOC_OBJ_PU);
}

int gd_topo_ncore(const gd_topo *t)
{
	int n = hwloc_get_nbobjs_by_type(t->h, HWLOC_OBJ_CORE);
	return n > 0 ? n : gd_topo_npu(t);
}

void gd_topo_caches(const gd_topo *t, size_t *l1d, size_t *l2, size_t *l3)
{
	hwloc_obj_type_t types[3] = { HWLOC_OBJ_L1CACHE, HWLOC_OBJ_L2CACHE, HWLOC_OBJ_L3CACHE };
	size_t *outs[3] = { l1d, l2, l3 };
	for (int i = 0; i < 3; i++) {
		hwloc_obj_t o = hwloc_get_obj_by_type(t->h, types[i], 0);
		*outs[i] = o && o->attr ? (size_t)o->attr->cache.size : 0;
	}
}

int gd_topo_describe(const gd_topo *t, char *buf, size_t len)
{
	int r = hwloc_topology_export_synthetic(t->h, buf, len,
	                                        HWLOC_TOPOLOGY_EXPORT_SYNTHETIC_FLAG_NO_ATTRS);
	if (r < 0) { /* asymmetric topologies have no synthetic form */
		snprintf(buf, len, "Core:%d PU:%d (asymmetric)", gd_topo_ncore(t), gd_topo_npu(t));
	}
	return 0;
}

int gd_topo_plan(const gd_topo *t, gd_place policy, int nthreads, int oversubscribe, int *pus)
{
	int npu = gd_topo_npu(t);
	if (nthreads < 1 || npu < 1)
		return GD_EINVAL;
	if (nthreads > npu && !oversubscribe)
		return GD_ERANGE;
	if (policy == GD_PLACE_NONE) {
		for (int i = 0; i < nthreads; i++)
			pus[i] = -1;
		return 0;
	}
	if (policy == GD_PLACE_COMPACT) {
		int ncore = hwloc_get_nbobjs_by_type(t->h, HWLOC_OBJ_CORE);
		int k = 0;
		if (ncore <= 0) { /* no core level: PUs in order */
			for (; k < nthreads; k++)
				pus[k] = (int)hwloc_get_obj_by_type(t->h, HWLOC_OBJ_PU, (unsigned)(k % npu))->os_index;
			return 0;
		}
		/* round r takes the r-th PU of every core that has one */
		for (int round = 0; k < nthreads; round++) {
			int placed = 0;
			for (int c = 0; c < ncore && k < nthreads; c++) {
				hwloc_obj_t core = hwloc_get_obj_by_type(t->h, HWLOC_OBJ_CORE, (unsigned)c);
				hwloc_obj_t pu = hwloc_get_obj_inside_cpuset_by_type(t->h, core->cpuset, HWLOC_OBJ_PU,
				                                                     (unsigned)round);
				if (pu) {
					pus[k++] = (int)pu->os_index;
					placed++;
				}
			}
			if (!placed) /* oversubscribed: start over */
				round = -1;
		}
		return 0;
	}
	/* scatter */
	int nsets = nthreads < npu ? nthreads : npu;
	hwloc_bitmap_t *sets = calloc((size_t)nsets, sizeof(*sets));
	if (!sets)
		return GD_ENOMEM;
	hwloc_obj_t root = hwloc_get_root_obj(t->h);
	int rc = hwloc_distrib(t->h, &root, 1, sets, (unsigned)nsets, INT_MAX, 0);
	for (int i = 0; i < nthreads && rc == 0; i++) {
		hwloc_bitmap_t s = sets[i % nsets];
		hwloc_bitmap_singlify(s);
		pus[i] = hwloc_bitmap_first(s);
	}
	for (int i = 0; i < nsets; i++)
		hwloc_bitmap_free(sets[i]);
	free(sets);
	return rc == 0 ? 0 : GD_ETOPO;
}

int gd_topo_bind_self(const gd_topo *t, int os_index, int *observed)
{
	if (observed)
		*observed = -1;
	if (os_index < 0)
		return 0;
	hwloc_bitmap_t set = hwloc_bitmap_alloc();
	if (!set)
		return GD_ENOMEM;
	hwloc_bitmap_only(set, (unsigned)os_index);
	int rc = hwloc_set_cpubind(t->h, set, HWLOC_CPUBIND_THREAD);
	int saved = errno;
	if (rc == 0 && observed && hwloc_get_last_cpu_location(t->h, set, HWLOC_CPUBIND_THREAD) == 0)
		*observed = hwloc_bitmap_first(set);
	hwloc_bitmap_free(set);
	errno = saved;
	return rc == 0 ? 0 : GD_EBIND;
}

int gd_topo_has_pu(const gd_topo *t, int os_index)
{
	return os_index >= 0 && hwloc_get_pu_obj_by_os_index(t->h, (unsigned)os_index) != NULL;
}
