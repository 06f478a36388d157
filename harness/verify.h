/* The checkasm-style comparison of an update row with the scalar reference: the tests' and the plugin loader's. */
#ifndef GD_VERIFY_H
#define GD_VERIFY_H

#include <stddef.h>

#include "registry.h"

/* An array of n elements of storage s at `off` elements past a 64-byte
 * boundary, with a canary before and after it (free base). */
typedef struct gd_guarded {
	void *base, *p;
	size_t n;
	gd_store s;
} gd_guarded;
/* 0 or GD_ENOMEM. */
int gd_guarded_new(gd_guarded *b, gd_store s, size_t n, size_t off);
/* 1 if both canaries hold; else 0 and *where (may be NULL) = n for the one
 * after the array, SIZE_MAX for the one before. */
int gd_guarded_intact(const gd_guarded *b, size_t *where);

/* Steps run with state carried before the arrays are compared. */
#define GD_VERIFY_STEPS 5

/* The first disagreement gd_verify_update found. */
typedef struct gd_mismatch {
	char row[64];       /* the row checked */
	char array[32];     /* "w", "state 1", or "outside w" / "outside state 1" (a canary overwritten) */
	char tolerance[96]; /* the bound that failed, in words */
	gd_dtype dt;
	size_t n, offset;   /* the length and the elements past a 64-byte boundary */
	size_t element;     /* index in the array (n for the canary after it, -1 as SIZE_MAX before) */
	double expected, got;
	int grad;           /* gd_verify_grad's: n is the batch, offset 1 for index-list rows */
} gd_mismatch;

/*
 * Run row e and the reference row ref (same rule) side by side at storage
 * dtype dt on inputs from a fixed seed: odd lengths 1..127 around every
 * vector width, arrays at 0, 1 and 3 elements past a 64-byte boundary with a
 * canary before and after each, GD_VERIFY_STEPS steps with state carried and
 * weight decay on, then w and every state array compared. Tolerances (see
 * verify.c): a few dozen f32 ulps; 1 ulp of a 16-bit storage type.
 * Returns 0, GD_EVERIFY with *mm describing the first mismatch, GD_ENOMEM,
 * or GD_EINVAL (no kernel at dt in e or ref, or rules differ).
 */
int gd_verify_update(const gd_update_entry *e, const gd_update_entry *ref, gd_dtype dt, gd_mismatch *mm);

/*
 * Run gradient row e and the model's reference ref side by side on batches
 * of gd_verify_grad_batches rows (1, odd sizes, more than a row block) of a
 * problem with d = 37 features (not a multiple of any vector width), c = 10
 * (1 for lsq and logistic), h = 19, contiguous and index-list rows; compare
 * every gradient entry (the variant's poisoned first: it must write each)
 * within 1e-4 of the largest entry, and the loss sum within 1e-5 relative.
 * The tests' comparison (test_grad) and the plugin loader's. Returns 0,
 * GD_EVERIFY with *mm (grad = 1) describing the first mismatch, GD_ENOMEM or
 * GD_EINVAL (models differ).
 */
#define GD_VERIFY_GRAD_NB 5
extern const size_t gd_verify_grad_batches[GD_VERIFY_GRAD_NB];
int gd_verify_grad(const gd_grad_entry *e, const gd_grad_entry *ref, gd_mismatch *mm);

/* "adam/mine/avx2 at f32: w[17] = 0.1 (expected 0.2; tolerance ...), n = 31, offset 1" into buf. */
void gd_mismatch_describe(const gd_mismatch *mm, char *buf, size_t len);

#endif
