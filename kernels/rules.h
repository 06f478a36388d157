/*
 * The update rules: one row each, the single source of everything gdbench
 * knows about a rule besides its kernels. The enum, the names, the registry
 * rows of every variant, state counts, FLOPs and bytes, defaults, validation,
 * the hyperparameters a result file records and --opt accepts, and the
 * tests' coverage all come from here (update_step.c reads the rows).
 *
 * X(UP, lo, torch, nstate, flops, decoupled, keys, scalars, nstate_fn,
 *   flops_fn, check, defaults...)
 *   torch      the torch.optim counterpart (or the paper, where torch has none)
 *   nstate     float arrays of state per element (nstate_fn refines it from
 *              the hyperparameters, or NULL)
 *   flops      arithmetic per element of the rule's equations (an FMA counts
 *              2; div, sqrt, max, sign count 1; flops_fn refines it, or NULL)
 *   decoupled  weight_decay is applied as w *= 1 - lr*wd by default (AdamW,
 *              Lion); otherwise it is L2 folded into the gradient
 *   keys       the torch.optim hyperparameter names the rule reads (GD_K_*)
 *   scalars    which per-step scalars its kernels read in st->c[]
 *              (gd_step_scalars in update.h, filled by gd_step_prepare)
 *   check      rule-specific validation beyond the generic checks, or NULL
 *   defaults   designated initializers of gd_hparams: torch.optim's defaults
 *
 * Adding a rule: a row here, its plain kernel (update_plain.c: scalar and
 * auto), its SIMD kernel (update_simd.c) and its hand-worked test
 * (tests/hand_values.py and tests/test_update_hand.c). Nothing else.
 */
#ifndef GD_RULES_H
#define GD_RULES_H

#define GD__WD (GD_K_WEIGHT_DECAY | GD_K_DECOUPLED) /* every kernel's prologue reads both */

#define GD_RULE_MAP(X)                                                                              \
	X(SGD, sgd, "torch.optim.SGD", 0, 2, 0, GD_K_LR | GD__WD, GD_SC_NONE, NULL, NULL, NULL,      \
	  .lr = 1e-3)                                                                               \
	X(MOMENTUM, momentum, "torch.optim.SGD(momentum>0)", 1, 5, 0,                                \
	  GD_K_LR | GD__WD | GD_K_MOMENTUM | GD_K_DAMPENING | GD_K_NESTEROV, GD_SC_MOMENTUM, NULL, NULL, \
	  gd__check_momentum, .lr = 1e-3, .momentum = 0.9) /* torch's momentum defaults to 0: plain sgd */ \
	X(NESTEROV, nesterov, "torch.optim.SGD(nesterov=True)", 1, 7, 0,                             \
	  GD_K_LR | GD__WD | GD_K_MOMENTUM | GD_K_DAMPENING | GD_K_NESTEROV, GD_SC_MOMENTUM, NULL, NULL, \
	  gd__check_nesterov, .lr = 1e-3, .momentum = 0.9)                                           \
	X(ADAGRAD, adagrad, "torch.optim.Adagrad", 1, 7, 0,                                          \
	  GD_K_LR | GD__WD | GD_K_LR_DECAY | GD_K_INITIAL_ACCUMULATOR_VALUE | GD_K_EPS, GD_SC_ADAGRAD, \
	  NULL, NULL, gd__check_adagrad, .lr = 1e-2, .eps = 1e-10)                                  \
	X(RMSPROP, rmsprop, "torch.optim.RMSprop", 1, 9, 0,                                          \
	  GD_K_LR | GD__WD | GD_K_ALPHA | GD_K_EPS | GD_K_MOMENTUM | GD_K_CENTERED, GD_SC_RMSPROP,     \
	  gd__rmsprop_nstate, gd__rmsprop_flops, gd__check_rmsprop, .lr = 1e-2, .alpha = 0.99,      \
	  .eps = 1e-8)                                                                              \
	X(ADADELTA, adadelta, "torch.optim.Adadelta", 2, 16, 0, GD_K_LR | GD__WD | GD_K_RHO | GD_K_EPS, \
	  GD_SC_ADADELTA, NULL, NULL, gd__check_adadelta, .lr = 1.0, .rho = 0.9, .eps = 1e-6)       \
	X(ADAM, adam, "torch.optim.Adam", 2, 13, 0,                                                  \
	  GD_K_LR | GD__WD | GD_K_BETAS | GD_K_EPS | GD_K_AMSGRAD, GD_SC_ADAM, NULL, NULL,           \
	  gd__check_betas, .lr = 1e-3, .beta1 = 0.9, .beta2 = 0.999, .eps = 1e-8)                   \
	X(ADAMW, adamw, "torch.optim.AdamW", 2, 14, 1, GD_K_LR | GD__WD | GD_K_BETAS | GD_K_EPS,       \
	  GD_SC_ADAM, NULL, NULL, gd__check_betas, .lr = 1e-3, .beta1 = 0.9, .beta2 = 0.999,         \
	  .eps = 1e-8, .weight_decay = 1e-2)                                                        \
	X(AMSGRAD, amsgrad, "torch.optim.Adam(amsgrad=True)", 3, 14, 0,                              \
	  GD_K_LR | GD__WD | GD_K_BETAS | GD_K_EPS | GD_K_AMSGRAD, GD_SC_ADAM, NULL, NULL,           \
	  gd__check_betas, .lr = 1e-3, .beta1 = 0.9, .beta2 = 0.999, .eps = 1e-8)                   \
	X(ADAMAX, adamax, "torch.optim.Adamax", 2, 10, 0, GD_K_LR | GD__WD | GD_K_BETAS | GD_K_EPS,    \
	  GD_SC_ADAMAX, NULL, NULL, gd__check_adamax, .lr = 2e-3, .beta1 = 0.9, .beta2 = 0.999,      \
	  .eps = 1e-8)                                                                              \
	X(NADAM, nadam, "torch.optim.NAdam", 2, 15, 0,                                               \
	  GD_K_LR | GD__WD | GD_K_BETAS | GD_K_EPS | GD_K_MOMENTUM_DECAY, GD_SC_NADAM, NULL, NULL,    \
	  gd__check_nadam, .lr = 2e-3, .beta1 = 0.9, .beta2 = 0.999, .eps = 1e-8,                   \
	  .momentum_decay = 4e-3)                                                                   \
	X(RPROP, rprop, "torch.optim.Rprop", 2, 5, 0, GD_K_LR | GD__WD | GD_K_ETAS | GD_K_STEP_SIZES,  \
	  GD_SC_RPROP, NULL, NULL, gd__check_rprop, .lr = 1e-2, .eta_minus = 0.5, .eta_plus = 1.2,   \
	  .step_min = 1e-6, .step_max = 50)                                                         \
	X(LION, lion, "Chen et al. 2023, Algorithm 2 (lion-pytorch; not in torch.optim)", 1, 10, 1,   \
	  GD_K_LR | GD__WD | GD_K_BETAS, GD_SC_ADAM, NULL, NULL, gd__check_betas, .lr = 1e-4,         \
	  .beta1 = 0.9, .beta2 = 0.99)

#endif
