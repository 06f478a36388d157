/*
 * grad_xt_tile.h's tiles of XT_J outputs x 3, 2 and 1 row vectors: included
 * by grad_xt.h with XT_J and XT_REPJ defined (once at XJ, once at 1).
 */
#define XT_V 3
#include "grad_xt_tile.h"
#undef XT_V
#define XT_V 2
#include "grad_xt_tile.h"
#undef XT_V
#define XT_V 1
#include "grad_xt_tile.h"
#undef XT_V
