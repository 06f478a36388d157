/* Large measurement buffers: mmap + MADV_HUGEPAGE + first touch (64 MiB: ~5 ms instead of ~180 ms here). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "mem.h"

#define HUGE_SZ ((size_t)2 << 20)

static size_t round_up(size_t bytes)
{
	return (bytes + HUGE_SZ - 1) / HUGE_SZ * HUGE_SZ;
}

void *gd_alloc_big(size_t bytes)
{
	if (bytes == 0)
		bytes = 1;
	size_t len = round_up(bytes);
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
#ifdef MADV_HUGEPAGE
	madvise(p, len, MADV_HUGEPAGE); /* advice only: failure is harmless */
#endif
	memset(p, 0, len);
	return p;
}

void gd_free_big(void *p, size_t bytes)
{
	if (p)
		munmap(p, round_up(bytes ? bytes : 1));
}

size_t gd_phys_mem(void)
{
	long pages = sysconf(_SC_PHYS_PAGES), psz = sysconf(_SC_PAGESIZE);
	return pages > 0 && psz > 0 ? (size_t)pages * (size_t)psz : 0;
}

size_t gd_mem_budget(void)
{
	size_t avail = 0;
	FILE *f = fopen("/proc/meminfo", "r");
	char line[128];
	unsigned long long kb;
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "MemAvailable: %llu kB", &kb) == 1)
			avail = (size_t)kb * 1024;
	if (f)
		fclose(f);
	if (!avail)
		avail = gd_phys_mem() / 2;
	const char *lim = getenv("GDBENCH_MEM_LIMIT_MB");
	char *end;
	unsigned long long mb = lim ? strtoull(lim, &end, 10) : 0;
	if (lim && *lim && !*end && mb > 0 && (!avail || mb * 1048576ull < avail))
		avail = (size_t)(mb * 1048576ull);
	return avail;
}

/*
 * Arrays of GD_HUGE_MIN bytes or more (a training matrix, CSR arrays) start
 * on a 2 MiB boundary with huge pages advised, so free() still frees them.
 * With 4 KiB pages each gathered row of Fashion-MNIST (3136 bytes) costs a
 * TLB miss. Measured with `gdbench kernels --what grad` (1 thread, Zen 3,
 * 5 alternating rounds; THP "madvise" here, as Debian ships it): the MLP
 * 0.45 -> 0.58 of the FMA peak at B = 32, softmax 0.31 -> 0.37 at
 * B = 1024, the others within noise.
 */
#define GD_HUGE_MIN ((size_t)4 << 20)

void *gd_alloc64(size_t bytes)
{
	size_t n = bytes ? (bytes + 63) / 64 * 64 : 64;
	if (n < GD_HUGE_MIN)
		return aligned_alloc(64, n);
	void *p = aligned_alloc(HUGE_SZ, round_up(n));
#ifdef MADV_HUGEPAGE
	if (p)
		madvise(p, round_up(n), MADV_HUGEPAGE); /* advice only: failure is harmless */
#endif
	return p;
}
