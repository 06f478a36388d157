/* Counter-based random numbers: value i of stream s under seed k is a pure function of (k, s, i),
 * so every (run, thread, rank) gets an independent, reproducible stream with no shared state. */
#ifndef GD_RNG_H
#define GD_RNG_H
#include <math.h>
#include <stdint.h>

/* splitmix64's finalizer: a bijective mix with full avalanche */
static inline uint64_t gd_mix64(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static inline uint64_t gd_rng_u64(uint64_t seed, uint64_t stream, uint64_t i)
{
	return gd_mix64(gd_mix64(seed ^ gd_mix64(stream + 0x9e3779b97f4a7c15ull)) + i * 0x9e3779b97f4a7c15ull);
}

/* uniform in [0, 1) with 53 random bits */
static inline double gd_rng_uniform(uint64_t seed, uint64_t stream, uint64_t i)
{
	return (double)(gd_rng_u64(seed, stream, i) >> 11) * 0x1.0p-53;
}

/* standard normal (Box-Muller on draws 2i and 2i+1) */
static inline double gd_rng_normal(uint64_t seed, uint64_t stream, uint64_t i)
{
	double u1 = gd_rng_uniform(seed, stream, 2 * i), u2 = gd_rng_uniform(seed, stream, 2 * i + 1);
	return sqrt(-2.0 * log(1.0 - u1)) * cos(6.283185307179586 * u2);
}
#endif
