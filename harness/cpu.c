/* CPU feature detection, the GDBENCH_ISA cap, the machine id and the emulation check. */
#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#if defined(__x86_64__)
#include <cpuid.h>
#elif defined(__aarch64__)
#include <sys/auxv.h>
#include <sys/prctl.h>
#endif

#include "cpu.h"
#include "gd_error.h"
#include "grad.h"

static gd_cpu cpu;
static pthread_once_t cpu_once = PTHREAD_ONCE_INIT;

#if defined(__x86_64__)
static const char *const isa_names[GD_NISA] = { "scalar", "avx2", "avx512" };
static const char *const isa_features[GD_NISA] = {
	"x86-64", "x86-64-v3 (avx2 fma bmi1 bmi2 f16c movbe lzcnt)", "x86-64-v4 (v3 + avx512f dq cd bw vl)",
};
#elif defined(__aarch64__)
static const char *const isa_names[GD_NISA] = { "scalar", "neon", "sve" };
static const char *const isa_features[GD_NISA] = {
	"aarch64", "armv8-a asimd", "armv8.2-a+sve (vector length agnostic)",
};
#else
static const char *const isa_names[GD_NISA] = { "scalar" };
static const char *const isa_features[GD_NISA] = { "portable C" };
#endif

static void append(char *buf, size_t len, const char *word)
{
	size_t used = strlen(buf);
	if (*word)
		snprintf(buf + used, len - used, "%s%s", used ? " " : "", word);
}

#if defined(__aarch64__)
/* The value of the first "key : value" line of /proc/cpuinfo, or 0. */
static int cpuinfo_field(const char *key, char *out, size_t len)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	if (!f)
		return 0;
	char line[512];
	size_t kl = strlen(key);
	int found = 0;
	while (!found && fgets(line, sizeof(line), f)) {
		if (strncmp(line, key, kl) != 0 || (line[kl] != ' ' && line[kl] != '\t' && line[kl] != ':'))
			continue;
		char *v = strchr(line, ':');
		if (!v)
			continue;
		for (v++; *v == ' ' || *v == '\t'; v++)
			;
		v[strcspn(v, "\n")] = 0;
		snprintf(out, len, "%s", v);
		found = 1;
	}
	fclose(f);
	return found;
}
#endif

#if defined(__x86_64__)
static unsigned long long xgetbv0(void)
{
	unsigned lo, hi;
	__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	return ((unsigned long long)hi << 32) | lo;
}

/* x86-64-v3 (AVX2 level) and x86-64-v4 (AVX-512 level), as the compiler flags
 * in kernels/meson.build target them. */
static void detect_arch(char *vendor_id, size_t vlen)
{
	unsigned a = 0, b, d;
	unsigned c1 = 0, d1 = 0, b7 = 0, c7 = 0, cx = 0, vend[3] = { 0 };
	unsigned max = __get_cpuid_max(0, NULL);
	__cpuid(0, a, vend[0], vend[2], vend[1]);
	unsigned sig = 0;
	if (max >= 1)
		__cpuid(1, sig, b, c1, d1);
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

	/* family/model as the SDM and APM compose them from the signature */
	unsigned fam = (sig >> 8) & 0xf, mod = (sig >> 4) & 0xf, step = sig & 0xf;
	if (fam == 0xf)
		fam += (sig >> 20) & 0xff;
	if (fam == 0x6 || fam >= 0xf)
		mod += ((sig >> 16) & 0xf) << 4;
	char vs[13];
	memcpy(vs, vend, 12);
	vs[12] = 0;
	const char *vendor = !strcmp(vs, "AuthenticAMD") ? "amd" : !strcmp(vs, "GenuineIntel") ? "intel" : vs;
	snprintf(vendor_id, vlen, "%s-f%um%us%u", vendor, fam, mod, step);
	/* Measured entries only (see dot_row in kernels/grad_simd.c): Zen 5
	 * (family 0x1a) gains from prefetching contiguous rows 1568 floats
	 * ahead; Zen 3 (0x19) loses, and the rest were not measured. */
	if (!strcmp(vendor, "amd") && fam >= 0x1a) {
		cpu.stream_ahead = 1568;
		snprintf(cpu.stream_src, sizeof(cpu.stream_src), "amd family %#x (zen 5)", fam);
	}

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

	cpu.hw_max = GD_ISA_SCALAR;
	if (!v3)
		snprintf(cpu.refused, sizeof(cpu.refused), "avx2: CPU lacks %s", miss3);
	else if (!os_avx)
		snprintf(cpu.refused, sizeof(cpu.refused), "avx2: OS does not save YMM state (XCR0=%#llx)", xcr0);
	else {
		cpu.hw_max = GD_ISA_AVX2;
		if (!v4)
			snprintf(cpu.refused, sizeof(cpu.refused), "avx512: CPU lacks %s", miss4);
		else if (!os_avx512)
			snprintf(cpu.refused, sizeof(cpu.refused), "avx512: OS does not save ZMM/opmask state (XCR0=%#llx)", xcr0);
		else
			cpu.hw_max = GD_ISA_AVX512;
	}
}

#elif defined(__aarch64__)
/* Linux's HWCAP bits (asm/hwcap.h), spelled out so older headers build */
#define GD_HWCAP_FPHP (1ul << 9)
#define GD_HWCAP_ASIMDHP (1ul << 10)
#define GD_HWCAP_CPUID (1ul << 11)
#define GD_HWCAP_ASIMD (1ul << 1)
#define GD_HWCAP_SVE (1ul << 22)
#define GD_HWCAP2_SVE2 (1ul << 1)
#define GD_HWCAP2_BF16 (1ul << 14)

/* MIDR_EL1: from sysfs, else from the register (the kernel emulates the read
 * when HWCAP_CPUID is set), else 0. */
static unsigned long read_midr(unsigned long hwcap)
{
	unsigned long midr = 0;
	FILE *f = fopen("/sys/devices/system/cpu/cpu0/regs/identification/midr_el1", "r");
	if (f) {
		if (fscanf(f, "%lx", &midr) != 1)
			midr = 0;
		fclose(f);
	}
	if (!midr && (hwcap & GD_HWCAP_CPUID))
		__asm__ volatile("mrs %0, MIDR_EL1" : "=r"(midr));
	return midr;
}

static void detect_arch(char *vendor_id, size_t vlen)
{
	unsigned long hw = getauxval(AT_HWCAP), hw2 = getauxval(AT_HWCAP2);
	struct { const char *name; int has; } f[] = {
		{ "asimd", !!(hw & GD_HWCAP_ASIMD) }, { "sve", !!(hw & GD_HWCAP_SVE) },
		{ "sve2", !!(hw2 & GD_HWCAP2_SVE2) }, { "bf16", !!(hw2 & GD_HWCAP2_BF16) },
		{ "fp16", (hw & GD_HWCAP_FPHP) && (hw & GD_HWCAP_ASIMDHP) },
	};
	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		if (f[i].has)
			append(cpu.flags, sizeof(cpu.flags), f[i].name);
	/* the SVE vector length this thread runs at (PR_SVE_GET_VL: bytes in the low 16 bits) */
	int vl = f[1].has ? prctl(51 /* PR_SVE_GET_VL */, 0, 0, 0, 0) : -1;
	if (vl > 0) {
		char w[32];
		snprintf(w, sizeof(w), "sve:%dbit", (vl & 0xffff) * 8);
		append(cpu.flags, sizeof(cpu.flags), w);
	}
	cpu.hw_max = GD_ISA_SCALAR;
	if (!f[0].has)
		snprintf(cpu.refused, sizeof(cpu.refused), "neon: the kernel reports no asimd (AT_HWCAP)");
	else if (!f[1].has) {
		cpu.hw_max = GD_ISA_NEON;
		snprintf(cpu.refused, sizeof(cpu.refused), "sve: the kernel reports no sve (AT_HWCAP)");
	} else
		cpu.hw_max = GD_ISA_SVE;

	unsigned long midr = read_midr(hw);
	unsigned impl = (unsigned)(midr >> 24) & 0xff, part = (unsigned)(midr >> 4) & 0xfff;
	char name[64] = "";
	if (!cpuinfo_field("model name", name, sizeof(name)) || strstr(name, "EPYC") || strstr(name, "Intel"))
		name[0] = 0; /* ARM kernels have no model name line; an x86 one is the emulator's host */
	if (name[0])
		snprintf(cpu.model, sizeof(cpu.model), "%s", name);
	else
		snprintf(cpu.model, sizeof(cpu.model), "ARM implementer 0x%02x part 0x%03x", impl, part);
	snprintf(vendor_id, vlen, "arm-midr%08lx", midr & 0xffffffffu);
	/* qemu-user passes the host's /proc/cpuinfo through: an aarch64 process
	 * that reads an x86 one runs on an emulator; qemu's "max" CPU also
	 * reports implementer 0, which no silicon uses */
	char v[40];
	if (cpuinfo_field("vendor_id", v, sizeof(v)))
		snprintf(cpu.emulated, sizeof(cpu.emulated),
		         "aarch64 code on a %s host: /proc/cpuinfo describes an x86 CPU (qemu-user)", v);
	else if (midr && impl == 0)
		snprintf(cpu.emulated, sizeof(cpu.emulated), "MIDR %#lx has implementer 0 (an emulator's CPU)", midr);
}

#else
static void detect_arch(char *vendor_id, size_t vlen)
{
	cpu.hw_max = GD_ISA_SCALAR;
	snprintf(cpu.model, sizeof(cpu.model), "unknown");
	snprintf(vendor_id, vlen, "generic");
}
#endif

static int allowed_pus(void)
{
	cpu_set_t set;
	if (sched_getaffinity(0, sizeof(set), &set) == 0)
		return CPU_COUNT(&set);
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n > 0 ? (int)n : 1;
}

int gd_isa_from_name(const char *name, gd_isa *out)
{
	for (int i = 0; i < GD_NISA; i++)
		if (name && strcmp(name, isa_names[i]) == 0) {
			*out = (gd_isa)i;
			return 0;
		}
	return GD_EINVAL;
}

static void detect(void)
{
	char vendor_id[64];
	detect_arch(vendor_id, sizeof(vendor_id));
	cpu.max = cpu.hw_max;
	const char *cap = getenv("GDBENCH_ISA");
	if (cap && *cap) {
		snprintf(cpu.cap_env, sizeof(cpu.cap_env), "%s", cap);
		gd_isa lvl;
		if (!strcmp(cap, "best") || !strcmp(cap, "auto"))
			;
		else if (gd_isa_from_name(cap, &lvl) != 0)
			cpu.cap_bad = 1;
		else if (lvl < cpu.hw_max) {
			cpu.max = lvl;
			snprintf(cpu.refused, sizeof(cpu.refused), "%s: capped by GDBENCH_ISA=%s", isa_names[lvl + 1], cap);
		}
	}
	if (!cpu.stream_src[0])
		snprintf(cpu.stream_src, sizeof(cpu.stream_src), "default: hardware prefetch only");
	const char *sa = getenv("GDBENCH_STREAM_AHEAD");
	if (sa && *sa) {
		snprintf(cpu.stream_env, sizeof(cpu.stream_env), "%s", sa);
		char *end;
		errno = 0;
		unsigned long long v = strtoull(sa, &end, 10);
		if (*end || errno || !isdigit((unsigned char)*sa) || v > GD_STREAM_AHEAD_MAX) {
			cpu.stream_bad = 1;
		} else {
			cpu.stream_ahead = (size_t)v;
			snprintf(cpu.stream_src, sizeof(cpu.stream_src), "GDBENCH_STREAM_AHEAD");
		}
	}
	gd_grad_set_stream_ahead(cpu.stream_ahead);
	const char *emu = getenv("GDBENCH_EMULATED");
	if (emu && *emu)
		snprintf(cpu.emulated, sizeof(cpu.emulated), "%s (GDBENCH_EMULATED)", emu);
	snprintf(cpu.machine_id, sizeof(cpu.machine_id), "%s-%s-%dpu", vendor_id, isa_names[cpu.hw_max],
	         allowed_pus());
	for (char *p = cpu.machine_id; *p; p++)
		*p = isalnum((unsigned char)*p) ? (char)tolower((unsigned char)*p) : '-';
}

const gd_cpu *gd_cpu_get(void)
{
	pthread_once(&cpu_once, detect);
	return &cpu;
}

const char *gd_isa_name(gd_isa isa)
{
	return (unsigned)isa < GD_NISA ? isa_names[isa] : "?";
}

const char *gd_isa_features(gd_isa isa)
{
	return (unsigned)isa < GD_NISA ? isa_features[isa] : "?";
}

int gd_isa_resolve(const char *request, gd_isa *out)
{
	const gd_cpu *c = gd_cpu_get();
	if (c->cap_bad)
		return GD_EINVAL;
	if (!request || !*request || !strcmp(request, "best") || !strcmp(request, "auto")) {
		*out = c->max;
		return 0;
	}
	gd_isa lvl;
	if (gd_isa_from_name(request, &lvl) != 0)
		return GD_EINVAL;
	if (lvl > c->max)
		return GD_ENOCPU;
	*out = lvl;
	return 0;
}
