/* Buffers for measurement: 64-byte aligned, huge pages where the kernel gives them, touched once. */
#ifndef GD_MEM_H
#define GD_MEM_H
#include <stddef.h>

/* Allocate bytes (rounded up to 2 MiB), advise huge pages, and touch every
 * page (a fresh 4 KiB page costs ~11 us here: never inside a timed region).
 * Returns NULL on failure. Free with gd_free_big(p, bytes). */
void *gd_alloc_big(size_t bytes);
void gd_free_big(void *p, size_t bytes);
/* 64-byte aligned heap memory for arrays the kernels stream (the size rounded
 * up to a multiple of 64, as aligned_alloc requires; never 0). free() it. */
void *gd_alloc64(size_t bytes);
/* Physical memory in bytes (0 if unknown), to refuse absurd sizes up front. */
size_t gd_phys_mem(void);
/* What a loader may allocate: MemAvailable from /proc/meminfo (half the
 * physical memory if unreadable), lowered by GDBENCH_MEM_LIMIT_MB when set. */
size_t gd_mem_budget(void);
#endif
