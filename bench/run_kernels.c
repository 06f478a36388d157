/* The kernels of one run of `gdbench run`: see run_kernels.h. */
#include "run_kernels.h"

#include "cli.h"
#include "registry.h"
#include "tstep.h"

int run_kernels_pick(const char *me, const run_kernels_ask *a, const gd_optspec *spec, gd_dtype dt, gd_run_cfg *cfg)
{
	const gd_model_kind mk = cfg->model.kind;
	const gd_grad_entry *gt = a->csr ? gd_csr_table : gd_grad_table;
	size_t gn = a->csr ? gd_csr_count : gd_grad_count;
	cfg->grad = !(a->impls & GD_IMPL_BEST_BIT) ? NULL
	            : a->csr                      ? gd_csr_best(mk, a->cap)
	                                          : gd_grad_best(mk, a->cap, a->rows_per_thread);
	/* a plugin's impl: its gradient row for this model, where it has one (dense data) */
	const gd_grad_entry *pgrad = NULL;
	for (size_t g = gd_grad_count; a->upd_impls && !a->csr && !pgrad && g < gd_grad_rows(); g++)
		if (gd_grad_row(g)->model == mk && gd_grad_row(g)->isa <= a->cap && (a->upd_impls & (1u << gd_grad_row(g)->impl)))
			pgrad = gd_grad_row(g);
	if (pgrad)
		cfg->grad = pgrad;
	for (size_t g = 0; !cfg->grad && g < gn; g++)
		if (gt[g].model == mk && gt[g].isa <= a->cap && (a->impls & (1u << gt[g].impl)))
			cfg->grad = &gt[g];
	const int tensor = spec->kind == GD_OPT_TENSOR;
	cfg->upd = tensor ? NULL : gd_update_pick(spec->rule, a->cap, a->upd_impls, dt);
	if (!cfg->upd && pgrad && !tensor) /* the plugin's gradient, our update */
		cfg->upd = gd_update_pick(spec->rule, a->cap, 0, dt);
	cfg->tupd = tensor ? gd_trule_best(spec->trule, a->cap) : NULL;
	if (!tensor && !cfg->upd)
		return cli_usage(me, "--impl %s: no plugin row for %s (update) nor %s (gradient) at ISA %s and dtype %s",
		                 a->impl_arg, gd_rule_name(spec->rule), gd_model_name(mk), gd_isa_name(a->cap),
		                 gd_dtype_name(dt));
	if (!cfg->grad)
		return cli_usage(me, "--impl %s: no such gradient kernel for %s at ISA %s", a->impl_arg, gd_model_name(mk),
		                 gd_isa_name(a->cap));
	return 0;
}
