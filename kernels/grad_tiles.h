/*
 * grad_tile.h's tiles of 5, 4, 3, 2 and 1 outputs at one vector count: included
 * by grad_simd.c with GT_NV and GT_REPV defined (once at NV vectors, once at 1
 * for the masked tail).
 */
#define GT_MR 5
#define GT_REPM(X) X(0) X(1) X(2) X(3) X(4)
#include "grad_tile.h"
#undef GT_MR
#undef GT_REPM
#define GT_MR 4
#define GT_REPM(X) X(0) X(1) X(2) X(3)
#include "grad_tile.h"
#undef GT_MR
#undef GT_REPM
#define GT_MR 3
#define GT_REPM(X) X(0) X(1) X(2)
#include "grad_tile.h"
#undef GT_MR
#undef GT_REPM
#define GT_MR 2
#define GT_REPM(X) X(0) X(1)
#include "grad_tile.h"
#undef GT_MR
#undef GT_REPM
#define GT_MR 1
#define GT_REPM(X) X(0)
#include "grad_tile.h"
#undef GT_MR
#undef GT_REPM
