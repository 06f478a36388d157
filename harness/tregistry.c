/* The per-tensor rules' kernel rows: one per rule and variant the host builds, best first, scalar last. */
#include <string.h>

#include "tstep.h"

#if defined(__x86_64__)
#define TROWS(up, lo, ...)                                                                                   \
	{ #lo "/simd/avx512", GD_TRULE_##up, GD_IMPL_SIMD, GD_ISA_AVX512, &gd_tkernels_avx512, gd_adamw_f32_avx512 }, \
	{ #lo "/auto/avx512", GD_TRULE_##up, GD_IMPL_AUTO, GD_ISA_AVX512, &gd_tkernels_auto_avx512,               \
	  gd_adamw_f32_auto_avx512 },                                                                        \
	{ #lo "/simd/avx2", GD_TRULE_##up, GD_IMPL_SIMD, GD_ISA_AVX2, &gd_tkernels_avx2, gd_adamw_f32_avx2 },        \
	{ #lo "/auto/avx2", GD_TRULE_##up, GD_IMPL_AUTO, GD_ISA_AVX2, &gd_tkernels_auto_avx2, gd_adamw_f32_auto_avx2 }, \
	{ #lo "/scalar", GD_TRULE_##up, GD_IMPL_SCALAR, GD_ISA_SCALAR, &gd_tkernels_scalar, gd_adamw_f32_scalar },
#elif defined(__aarch64__)
#define TROWS(up, lo, ...)                                                                                   \
	{ #lo "/simd/sve", GD_TRULE_##up, GD_IMPL_SIMD, GD_ISA_SVE, &gd_tkernels_sve, gd_adamw_f32_sve },            \
	{ #lo "/auto/sve", GD_TRULE_##up, GD_IMPL_AUTO, GD_ISA_SVE, &gd_tkernels_auto_sve, gd_adamw_f32_auto_sve },   \
	{ #lo "/simd/neon", GD_TRULE_##up, GD_IMPL_SIMD, GD_ISA_NEON, &gd_tkernels_neon, gd_adamw_f32_neon },        \
	{ #lo "/auto/neon", GD_TRULE_##up, GD_IMPL_AUTO, GD_ISA_NEON, &gd_tkernels_auto_neon, gd_adamw_f32_auto_neon }, \
	{ #lo "/scalar", GD_TRULE_##up, GD_IMPL_SCALAR, GD_ISA_SCALAR, &gd_tkernels_scalar, gd_adamw_f32_scalar },
#else
#define TROWS(up, lo, ...) \
	{ #lo "/scalar", GD_TRULE_##up, GD_IMPL_SCALAR, GD_ISA_SCALAR, &gd_tkernels_scalar, gd_adamw_f32_scalar },
#endif

const gd_trule_entry gd_trule_table[] = { GD_TRULE_MAP(TROWS) };
const size_t gd_trule_count = sizeof(gd_trule_table) / sizeof(gd_trule_table[0]);

/* Best first: the simd rows lead, as for the elementwise rules, until measured otherwise. */
const gd_trule_entry *gd_trule_best(gd_trule r, gd_isa cap)
{
	for (size_t i = 0; i < gd_trule_count; i++)
		if (gd_trule_table[i].rule == r && gd_trule_table[i].isa <= cap)
			return &gd_trule_table[i];
	return NULL;
}

const gd_trule_entry *gd_trule_scalar(gd_trule r)
{
	return gd_trule_best(r, GD_ISA_SCALAR);
}

const gd_trule_entry *gd_trule_by_name(const char *name)
{
	for (size_t i = 0; i < gd_trule_count; i++)
		if (!strcmp(gd_trule_table[i].name, name))
			return &gd_trule_table[i];
	return NULL;
}
