/* CPU feature detection: CPUID for the instructions, XGETBV for the OS saving their registers. */
#include <cpuid.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu.h"
#include "gd_error.h"

static gd_cpu cpu;
static pthread_once_t cpu_once = PTHREAD_ONCE_INIT;

static unsigned long long xgetbv0(void)
{
	unsigned lo, hi;
	__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	return ((unsigned long long)hi << 32) | lo;
}

static void append(char *buf, size_t len, const char *word)
{
	size_t used = strlen(buf);
	snprintf(buf + used, len - used, "%s%s", used ? " " : "", word);
}

/* x86-64-v3 (AVX2 level) and x86-64-v4 (AVX-512 level), as the compiler flags
 * in meson.build target them. */
static void detect(void)
{
	unsigned a, b, d;
	unsigned c1 = 0, d1 = 0, b7 = 0, c7 = 0, cx = 0;
	unsigned max = __get_cpuid_max(0, NULL);
	if (max >= 1)
		__cpuid(1, a, b, c1, d1);
	if (max >= 7)
		__cpuid_count(7, 0, a, b7, c7, d);
	if (__get_cpuid_max(0x80000000, NULL) >= 0x80000001)
		__cpuid(0x80000001, a, b, cx, d);

	unsigned brand[12] = { 0 };
	if (__get_cpuid_max(0x80000000, NULL) >= 0x80000004) {
		for (unsigned i = 0; i < 3; i++)
			__cpuid(0x80000002 + i, brand[4 * i], brand[4 * i + 1], brand[4 * i + 2], brand[4 * i + 3]);
	}
	memcpy(cpu.model, brand, sizeof(brand));
	cpu.model[sizeof(brand) < sizeof(cpu.model) ? sizeof(brand) : sizeof(cpu.model) - 1] = 0;
	/* brand strings are space padded */
	char *m = cpu.model;
	while (*m == ' ')
		m++;
	memmove(cpu.model, m, strlen(m) + 1);
	for (size_t k = strlen(cpu.model); k > 0 && cpu.model[k - 1] == ' '; k--)
		cpu.model[k - 1] = 0;

	int osxsave = (c1 >> 27) & 1;
	unsigned long long xcr0 = osxsave ? xgetbv0() : 0;
	int os_avx = (xcr0 & 0x6) == 0x6;          /* XMM and YMM state */
	int os_avx512 = os_avx && (xcr0 & 0xe0) == 0xe0; /* opmask, ZMM0-15 high, ZMM16-31 */

	struct { const char *name; int has; } f[] = {
		{ "avx", (c1 >> 28) & 1 },  { "fma", (c1 >> 12) & 1 },   { "f16c", (c1 >> 29) & 1 },
		{ "movbe", (c1 >> 22) & 1 }, { "avx2", (b7 >> 5) & 1 },   { "bmi1", (b7 >> 3) & 1 },
		{ "bmi2", (b7 >> 8) & 1 },  { "lzcnt", (cx >> 5) & 1 },   { "avx512f", (b7 >> 16) & 1 },
		{ "avx512dq", (b7 >> 17) & 1 }, { "avx512cd", (b7 >> 28) & 1 },
		{ "avx512bw", (b7 >> 30) & 1 }, { "avx512vl", (b7 >> 31) & 1 },
		{ "avx512vnni", (c7 >> 11) & 1 },
	};
	int v3 = 1, v4 = 1;
	char miss3[96] = "", miss4[96] = "";
	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		if (f[i].has)
			append(cpu.flags, sizeof(cpu.flags), f[i].name);
		int is512 = strncmp(f[i].name, "avx512", 6) == 0;
		if (strcmp(f[i].name, "avx512vnni") == 0)
			continue; /* recorded, not required */
		if (!f[i].has && !is512) {
			v3 = 0;
			append(miss3, sizeof(miss3), f[i].name);
		}
		if (!f[i].has && is512) {
			v4 = 0;
			append(miss4, sizeof(miss4), f[i].name);
		}
	}
	append(cpu.flags, sizeof(cpu.flags), os_avx ? "os:ymm" : "");
	append(cpu.flags, sizeof(cpu.flags), os_avx512 ? "os:zmm" : "");

	cpu.max = GD_ISA_SCALAR;
	if (!v3)
		snprintf(cpu.refused, sizeof(cpu.refused), "avx2: CPU lacks %s", miss3);
	else if (!os_avx)
		snprintf(cpu.refused, sizeof(cpu.refused), "avx2: OS does not save YMM state (XCR0=%#llx)", xcr0);
	else {
		cpu.max = GD_ISA_AVX2;
		if (!v4)
			snprintf(cpu.refused, sizeof(cpu.refused), "avx512: CPU lacks %s", miss4);
		else if (!os_avx512)
			snprintf(cpu.refused, sizeof(cpu.refused), "avx512: OS does not save ZMM/opmask state (XCR0=%#llx)", xcr0);
		else
			cpu.max = GD_ISA_AVX512;
	}
}

const gd_cpu *gd_cpu_get(void)
{
	pthread_once(&cpu_once, detect);
	return &cpu;
}

static const char *const isa_names[GD_NISA] = { "scalar", "avx2", "avx512" };

const char *gd_isa_name(gd_isa isa)
{
	return (unsigned)isa < GD_NISA ? isa_names[isa] : "?";
}

const char *gd_isa_features(gd_isa isa)
{
	switch (isa) {
	case GD_ISA_SCALAR: return "x86-64";
	case GD_ISA_AVX2: return "x86-64-v3 (avx2 fma bmi1 bmi2 f16c movbe lzcnt)";
	case GD_ISA_AVX512: return "x86-64-v4 (v3 + avx512f dq cd bw vl)";
	case GD_NISA: break;
	}
	return "?";
}

int gd_isa_resolve(const char *request, gd_isa *out)
{
	const gd_cpu *c = gd_cpu_get();
	if (!request || !*request)
		request = getenv("GDBENCH_ISA");
	if (!request || !*request || !strcmp(request, "best") || !strcmp(request, "auto")) {
		*out = c->max;
		return 0;
	}
	for (int i = 0; i < GD_NISA; i++) {
		if (strcmp(request, isa_names[i]) == 0) {
			if ((gd_isa)i > c->max)
				return GD_ENOCPU;
			*out = (gd_isa)i;
			return 0;
		}
	}
	return GD_EINVAL;
}
