/*
 * CPU feature detection (once) and the ISA cap from --isa / GDBENCH_ISA.
 * x86-64: CPUID for the instructions, XGETBV for the OS saving their
 * registers. aarch64: getauxval(AT_HWCAP, AT_HWCAP2), which the kernel sets
 * only for what it supports. Levels are per architecture, lowest first.
 */
#ifndef GD_CPU_H
#define GD_CPU_H

#if defined(__x86_64__)
typedef enum { GD_ISA_SCALAR = 0, GD_ISA_AVX2 = 1, GD_ISA_AVX512 = 2, GD_NISA } gd_isa;
#define GD_ISA_CHOICES "scalar, avx2, avx512, best (or auto)"
#elif defined(__aarch64__)
typedef enum { GD_ISA_SCALAR = 0, GD_ISA_NEON = 1, GD_ISA_SVE = 2, GD_NISA } gd_isa;
#define GD_ISA_CHOICES "scalar, neon, sve, best (or auto)"
#else
typedef enum { GD_ISA_SCALAR = 0, GD_NISA } gd_isa;
#define GD_ISA_CHOICES "scalar, best (or auto)"
#endif
/* the widest level this build knows */
#define GD_ISA_TOP ((gd_isa)(GD_NISA - 1))

typedef struct gd_cpu {
	gd_isa max;          /* highest level this process may run: the CPU's, or lower under GDBENCH_ISA */
	gd_isa hw_max;       /* highest level the CPU and OS can run */
	char model[64];      /* brand string (x86), or implementer and part (ARM) */
	char flags[256];     /* the features we check, space separated */
	char refused[160];   /* why the level above max was refused */
	char machine_id[96]; /* vendor, family/model/stepping (MIDR on ARM), level, PUs: see gd_cpu_get */
	char emulated[160];  /* why we think we run under an emulator (qemu-user), or "" */
	char cap_env[32];    /* GDBENCH_ISA as read at detection ("" if unset) */
	int cap_bad;         /* GDBENCH_ISA names no level of this architecture */
	size_t stream_ahead; /* the kernels' contiguous-row prefetch distance, floats (gd_grad_stream_ahead) */
	char stream_src[64]; /* where it came from: this core's entry, the default, or GDBENCH_STREAM_AHEAD */
	char stream_env[32]; /* GDBENCH_STREAM_AHEAD as read ("" if unset) */
	int stream_bad;      /* GDBENCH_STREAM_AHEAD is not an integer in 0..GD_STREAM_AHEAD_MAX */
} gd_cpu;

/* the largest GDBENCH_STREAM_AHEAD (floats, 1 MiB ahead) */
#define GD_STREAM_AHEAD_MAX 262144

/*
 * Detected once, on first call; thread-safe. GDBENCH_ISA is read then: a
 * level below the CPU's caps max for the whole process, as if the CPU
 * lacked the levels above it (refused says so). The machine id is
 * "<vendor>-<family/model/stepping or MIDR>-<hw level>-<N>pu", lower case.
 * GDBENCH_EMULATED=REASON marks the process emulated (for tests).
 * Detection also sets the gradient kernels' stream prefetch distance
 * (gd_grad_set_stream_ahead): the core's measured entry, else 0, or
 * GDBENCH_STREAM_AHEAD=FLOATS when it is valid (stream_bad when not).
 */
const gd_cpu *gd_cpu_get(void);
const char *gd_isa_name(gd_isa isa);
/* Features a level needs, for messages and `gdbench list`. */
const char *gd_isa_features(gd_isa isa);
/* The level named name on this architecture: 0, or GD_EINVAL. */
int gd_isa_from_name(const char *name, gd_isa *out);

/*
 * Resolve an ISA request ("scalar", a level name, "best"; "auto" reads as
 * "best"; NULL or "" means best) against gd_cpu_get()->max. Returns 0,
 * GD_EINVAL for an unknown name or a GDBENCH_ISA naming none, GD_ENOCPU
 * for a level above max.
 */
int gd_isa_resolve(const char *request, gd_isa *out);

#endif
