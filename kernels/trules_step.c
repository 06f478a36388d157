/* The per-tensor rules' rows (trules.h): metadata, defaults and validation. */
#include <math.h>
#include <string.h>

#include "gd_error.h"
#include "trules.h"

#define CHECK(cond, field)                                                     \
	do {                                                                   \
		if (!(cond)) {                                                 \
			*what = (field);                                       \
			return GD_ERANGE;                                      \
		}                                                              \
	} while (0)

static int unit(double x) /* in [0, 1) */
{
	return x >= 0 && x < 1;
}

static int gd__check_lamb(const gd_hparams *hp, const char **what)
{
	CHECK(unit(hp->beta1) && unit(hp->beta2), "betas (each must be in [0, 1))");
	return 0;
}

static int gd__check_lars(const gd_hparams *hp, const char **what)
{
	CHECK(unit(hp->momentum), "momentum (must be in [0, 1))");
	CHECK(hp->trust_coefficient > 0 && isfinite(hp->trust_coefficient), "trust_coefficient (must be > 0)");
	return 0;
}

/* torch.optim.Adafactor's own checks */
static int gd__check_adafactor(const gd_hparams *hp, const char **what)
{
	CHECK(hp->beta2_decay <= 0 && isfinite(hp->beta2_decay), "beta2_decay (must be <= 0)");
	CHECK(hp->eps2 >= 0 && isfinite(hp->eps2), "eps2 (must be >= 0)");
	CHECK(hp->d >= 1 && isfinite(hp->d), "d (the clipping threshold must be >= 1)");
	return 0;
}

static int gd__check_sfadamw(const gd_hparams *hp, const char **what)
{
	/* x = (y - (1 - beta1) z) / beta1 is how evaluations recover x from y */
	CHECK(hp->beta1 > 0 && hp->beta1 < 1, "betas (beta1 must be in (0, 1): evaluation recovers x through it)");
	CHECK(unit(hp->beta2), "betas (beta2 must be in [0, 1))");
	CHECK(hp->warmup_steps >= 0 && hp->warmup_steps == floor(hp->warmup_steps) && hp->warmup_steps < 1e12,
	      "warmup_steps (must be a whole number >= 0)");
	CHECK(hp->r >= 0 && isfinite(hp->r), "r (must be >= 0)");
	CHECK(hp->weight_lr_power >= 0 && isfinite(hp->weight_lr_power), "weight_lr_power (must be >= 0)");
	return 0;
}

static int gd__check_muon(const gd_hparams *hp, const char **what)
{
	CHECK(unit(hp->momentum), "momentum (must be in [0, 1))");
	CHECK(hp->ns_steps >= 0 && hp->ns_steps <= 100 && hp->ns_steps == floor(hp->ns_steps),
	      "ns_steps (must be a whole number in 0..100)");
	CHECK(unit(hp->beta1) && unit(hp->beta2), "betas (the AdamW of non-2-D tensors: each in [0, 1))");
	return 0;
}

static const gd_trule_info trules[GD_NTRULES] = {
#define GD__TRULE_ROW(up, lo, ref_, keys_, passes_, flops_, bytes_, bytes_1d_, check_, ...)              \
	[GD_TRULE_##up] = { .name = #lo, .ref = ref_, .keys = keys_, .passes = passes_, .flops = flops_, \
		            .bytes = bytes_, .bytes_1d = bytes_1d_, .check = check_, .defaults = { __VA_ARGS__ } },
	GD_TRULE_MAP(GD__TRULE_ROW)
#undef GD__TRULE_ROW
};

const gd_trule_info *gd_trule_info_of(gd_trule r)
{
	return &trules[(unsigned)r < GD_NTRULES ? r : 0];
}

const char *gd_trule_name(gd_trule r)
{
	return (unsigned)r < GD_NTRULES ? trules[r].name : "?";
}

int gd_trule_from_name(const char *name)
{
	for (int r = 0; r < GD_NTRULES; r++)
		if (!strcmp(name, trules[r].name))
			return r;
	return GD_ENOENT;
}

void gd_trule_defaults(gd_trule r, gd_hparams *hp)
{
	*hp = gd_trule_info_of(r)->defaults;
}

int gd_trule_check(gd_trule r, const gd_hparams *hp, const char **what)
{
	const char *unused;
	if (!what)
		what = &unused;
	if ((unsigned)r >= GD_NTRULES) {
		*what = "rule";
		return GD_EINVAL;
	}
	int rc = gd_hparams_check_common(hp, what);
	return rc ? rc : trules[r].check(hp, what);
}

int gd_trule_bytes(gd_trule r, int ndim)
{
	const gd_trule_info *ri = gd_trule_info_of(r);
	int matrix = r == GD_TRULE_MUON ? ndim == 2 : ndim >= 2;
	return !matrix && ri->bytes_1d ? ri->bytes_1d : ri->bytes;
}
