/* The multi-tensor pass's work units over a parameter set (params.h). */
#include "params.h"

/* The tensor holding flat element i: binary search over the offsets. */
static size_t tensor_of(const gd_param_set *ps, size_t i)
{
	size_t a = 0, b = ps->ntensors;
	while (b - a > 1) {
		size_t m = a + (b - a) / 2;
		if (ps->t[m].off <= i)
			a = m;
		else
			b = m;
	}
	return a;
}

size_t gd_params_pieces(const gd_param_set *ps, size_t lo, size_t hi, size_t chunk, gd_piece *out, size_t cap)
{
	if (hi > ps->total)
		hi = ps->total;
	if (lo >= hi || !ps->ntensors)
		return 0;
	if (!chunk)
		chunk = hi - lo;
	size_t n = 0;
	for (size_t t = tensor_of(ps, lo); t < ps->ntensors && ps->t[t].off < hi; t++) {
		size_t a = ps->t[t].off > lo ? ps->t[t].off : lo;
		size_t end = ps->t[t].off + ps->t[t].numel < hi ? ps->t[t].off + ps->t[t].numel : hi;
		for (; a < end; a += chunk, n++)
			if (n < cap)
				out[n] = (gd_piece){ a, end - a < chunk ? end - a : chunk, t };
	}
	return n;
}
