/* CPU feature detection (CPUID + XGETBV, once) and the ISA cap from --isa / GDBENCH_ISA. */
#ifndef GD_CPU_H
#define GD_CPU_H

typedef enum { GD_ISA_SCALAR = 0, GD_ISA_AVX2 = 1, GD_ISA_AVX512 = 2, GD_NISA } gd_isa;

typedef struct gd_cpu {
	gd_isa max;          /* highest level this CPU and OS can run */
	char model[64];      /* brand string */
	char flags[256];     /* the features we check, space separated */
	char refused[160];   /* why the level above max was refused */
} gd_cpu;

/* Detected once, on first call; thread-safe. */
const gd_cpu *gd_cpu_get(void);
const char *gd_isa_name(gd_isa isa);
/* Features a level needs, for messages and `gdbench list`. */
const char *gd_isa_features(gd_isa isa);

/*
 * Resolve an ISA request ("scalar", "avx2", "avx512", "best"; "auto" reads as
 * "best"; NULL or "" means GDBENCH_ISA or else best). Returns 0, GD_EINVAL for
 * an unknown name, GD_ENOCPU for a level this CPU lacks.
 */
int gd_isa_resolve(const char *request, gd_isa *out);
#define GD_ISA_CHOICES "scalar, avx2, avx512, best (or auto)"

#endif
