/* The result document: runs with their trace and summary, and the atomic write. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gd_error.h"
#include "jsonfile.h"
#include "results.h"
#include "tstep.h"

/* JSON has no NaN or infinity: those become null. */
static json_t *num(double x)
{
	return isfinite(x) ? json_real(x) : json_null();
}

/* The hyperparameters the rule reads (its row's keys, rules.h; u NULL: the
 * per-tensor rule tu's, trules.h), by torch.optim's names. */
static json_t *hparams_json(const gd_update_entry *u, const gd_trule_entry *tu, const gd_hparams *hp)
{
	const gd_rule_info *ri = u ? gd_rule_info_of(u->rule) : NULL;
	unsigned keys = u ? ri->keys : gd_trule_info_of(tu->rule)->keys;
	json_t *o = json_object();
	for (int k = 0; k < GD_NKEYS; k++) {
		if (!(keys & (1u << k)))
			continue;
		double x[2];
		int flag = 0, n = gd_key_get(hp, k, x, &flag);
		json_t *v;
		if (k == GD_KI_NESTEROV || k == GD_KI_AMSGRAD) /* the torch flags that select these rules */
			v = json_boolean(u->rule == (k == GD_KI_NESTEROV ? GD_RULE_NESTEROV : GD_RULE_AMSGRAD));
		else if (k == GD_KI_DECOUPLED)
			v = json_boolean(hp->decoupled_wd || (ri && ri->decoupled));
		else if (flag)
			v = json_boolean(x[0] != 0);
		else
			v = n == 2 ? json_pack("[f, f]", x[0], x[1]) : num(x[0]);
		/* "decoupled" as result files have always spelled it */
		json_object_set_new(o, k == GD_KI_DECOUPLED ? "decoupled_weight_decay" : gd_key_name(k), v);
	}
	return o;
}

/* The evaluation cadence a run had: hogwild evaluates every epoch and L-BFGS/Newton every
 * iteration whatever was asked; auto under comm is every epoch (train.h). */
static const char *eval_cadence(const gd_run_cfg *c)
{
	if (c->kind != GD_OPT_FIRST_ORDER)
		return "iteration";
	if (c->mode == GD_MODE_HOGWILD)
		return "epoch";
	if (c->eval_every_steps > 0)
		return "steps";
	if (c->eval_every_seconds > 0)
		return "seconds";
	return c->eval_auto_fraction > 0 && !c->comm ? "auto" : "epoch";
}

json_t *gd_run_json(const gd_run_desc *d, const gd_run_cfg *c, const gd_run_out *o)
{
	json_t *r = json_object();
	if (!r)
		return NULL;
	const gd_model *m = &c->model;
	json_object_set_new(r, "problem", json_pack("{s:s, s:s, s:o, s:I, s:I, s:I, s:I, s:f, s:f}", "model",
	                                            gd_model_name(m->kind), "dataset", d->dataset, "test_set",
	                                            d->test_set ? json_string(d->test_set) : json_null(), "rows",
	                                            (json_int_t)d->rows, "features",
	                                            (json_int_t)m->d, "classes", (json_int_t)m->c, "hidden",
	                                            (json_int_t)m->h, "l1", m->l1, "l2", m->l2));
	if (c->kind == GD_OPT_FIRST_ORDER)
		json_object_set_new(r, "optimizer", json_pack("{s:s, s:s, s:o}", "name", d->optimizer, "rule",
		                                              gd_rule_name(c->upd->rule), "hparams", hparams_json(c->upd, NULL, &c->hp)));
	else if (c->kind == GD_OPT_TENSOR) {
		/* which form each tensor got (Muon: muon or adamw), and where evaluations are taken */
		gd_param_set ps = { 0 };
		json_t *forms = json_object();
		if ((m->kind == GD_MODEL_MLP ? gd_params_mlp(m->d, m->h, m->c, &ps) : gd_params_flat("w", gd_model_nparams(m), &ps)) == 0)
			for (size_t k = 0; k < ps.ntensors; k++)
				json_object_set_new(forms, ps.t[k].name, json_string(gd_trule_tensor_form(c->tupd->rule, &ps.t[k])));
		gd_params_free(&ps);
		json_object_set_new(r, "optimizer",
		                    json_pack("{s:s, s:s, s:o, s:s, s:o, s:s}", "name", d->optimizer, "rule",
		                              gd_trule_name(c->tupd->rule), "hparams", hparams_json(NULL, c->tupd, &c->hp),
		                              "reference", gd_trule_info_of(c->tupd->rule)->ref, "tensor_rules", forms,
		                              "evaluated_at",
		                              c->tupd->rule == GD_TRULE_SFADAMW ? "x (the averaged sequence, as the paper prescribes)"
		                                                                : "w"));
	} else if (c->kind == GD_OPT_LBFGS)
		json_object_set_new(r, "optimizer", json_pack("{s:s, s:s, s:{s:i}}", "name", d->optimizer, "rule", "lbfgs",
		                                              "hparams", "m", c->lbfgs_m));
	else
		json_object_set_new(r, "optimizer", json_pack("{s:s, s:s, s:{}}", "name", d->optimizer, "rule", "newton",
		                                              "hparams"));
	json_t *sch = json_pack("{s:s, s:I}", "kind", gd_schedule_name(c->sched.kind), "warmup", (json_int_t)c->sched.warmup);
	switch (c->sched.kind) {
	case GD_SCHED_STEP:
		json_object_set_new(sch, "step_size", json_integer(c->sched.step_size));
		json_object_set_new(sch, "gamma", num(c->sched.gamma));
		break;
	case GD_SCHED_EXP:
	case GD_SCHED_INVT: json_object_set_new(sch, "k", num(c->sched.k)); break;
	case GD_SCHED_PLATEAU:
		json_object_set_new(sch, "factor", num(c->sched.factor));
		json_object_set_new(sch, "patience", json_integer(c->sched.patience));
		break;
	default: break;
	}
	json_object_set_new(r, "schedule", sch);
	json_object_set_new(r, "mode", json_string(gd_mode_name(c->mode)));
	json_object_set_new(r, "batch", json_integer(c->mode == GD_MODE_FULL ? 0 : (json_int_t)c->batch));
	json_object_set_new(r, "threads", json_integer(d->threads));
	json_t *pins = json_array();
	for (int t = 0; t < d->threads && d->pins; t++)
		json_array_append_new(pins, json_pack("{s:i, s:i, s:i}", "asked", d->pins[t].asked, "observed",
		                                      d->pins[t].observed, "bind_errno", d->pins[t].bind_err));
	json_object_set_new(r, "placement", json_pack("{s:s, s:o}", "policy", d->placement, "threads", pins));
	/* storage of parameters/gradient/state (the arithmetic is fp32 either way) */
	json_object_set_new(r, "dtype", json_string(gd_dtype_name(c->dt)));
	json_object_set_new(r, "kernels", json_pack("{s:s, s:s}", "gradient", c->grad->name, "update",
	                                            c->kind == GD_OPT_LBFGS    ? "lbfgs/liblbfgs"
	                                            : c->kind == GD_OPT_NEWTON ? "newton/lapack"
	                                            : c->kind == GD_OPT_TENSOR ? c->tupd->name
	                                                                       : c->upd->name));
	json_object_set_new(r, "seed", json_integer((json_int_t)c->seed));
	json_object_set_new(r, "repeat_index", json_integer(d->repeat_index));
	json_t *tg = json_array();
	for (int k = 0; k < c->ntargets; k++)
		json_array_append_new(tg, json_real(c->targets[k]));
	json_object_set_new(r, "budget", json_pack("{s:o, s:I, s:o, s:I, s:o, s:o, s:o}", "time_s", num(c->time_budget),
	                                           "epochs", (json_int_t)c->max_epochs, "targets", tg,
	                                           "eval_every_steps", (json_int_t)c->eval_every_steps,
	                                           "eval_every_seconds", num(c->eval_every_seconds), "clip_norm",
	                                           num(c->clip_norm), "noise_eta", num(c->noise_eta)));
	/* which cadence ran (--eval-every); auto records its fraction and the period it chose */
	json_t *bj = json_object_get(r, "budget");
	const char *cadence = eval_cadence(c);
	json_object_set_new(bj, "eval_every", json_string(cadence));
	if (!strcmp(cadence, "auto")) {
		json_object_set_new(bj, "eval_auto_fraction", json_real(c->eval_auto_fraction));
		json_object_set_new(bj, "eval_period_s", num(o->eval_period_s));
	}

	json_t *rows = json_array();
	for (size_t i = 0; i < o->nrows; i++) {
		const gd_trace_row *w = &o->rows[i];
		json_array_append_new(rows, json_pack("{s:f, s:f, s:f, s:I, s:I, s:o, s:o, s:o, s:o}", "train_s", w->train_s,
		                                      "eval_s", w->eval_s, "epoch", w->epoch, "step", (json_int_t)w->step,
		                                      "samples", (json_int_t)w->samples, "loss", num(w->loss), "grad_norm",
		                                      num(w->gnorm), "test_loss", num(w->test_loss), "test_accuracy",
		                                      num(w->test_acc)));
	}
	json_object_set_new(r, "trace", rows);

	json_t *ttt = json_array();
	for (int k = 0; k < c->ntargets; k++)
		json_array_append_new(ttt, json_pack("{s:f, s:o}", "target", c->targets[k], "train_s",
		                                     o->time_to_target[k] >= 0 ? json_real(o->time_to_target[k]) : json_null()));
	double other = o->t_total - o->t_train - o->t_eval;
	json_object_set_new(r, "timing", json_pack("{s:f, s:f, s:f, s:f, s:f, s:f, s:f, s:f}", "train_s", o->t_train,
	                                           "eval_s", o->t_eval, "other_s", other > 0 ? other : 0.0, "total_s",
	                                           o->t_total, "sample_s", o->t_sample, "grad_s", o->t_grad, "reduce_s",
	                                           o->t_reduce, "update_s", o->t_update));
	json_object_set_new(r, "noise", json_pack("{s:I, s:o, s:o, s:o, s:b}", "involuntary_switches", (json_int_t)o->ivcsw,
	                                          "load_before", num(o->load_before), "load_after", num(o->load_after),
	                                          "foreign_cpu_s", num(o->foreign_cpu_s),
	                                          "noisy", gd_run_noisy(o, d->threads, d->npu)));
	json_object_set_new(r, "summary",
	                    json_pack("{s:o, s:o, s:o, s:o, s:o, s:f, s:I, s:I, s:s, s:b, s:o}", "final_loss",
	                              num(o->final_loss), "best_loss", num(o->best_loss), "time_to_target", ttt,
	                              "samples_per_s", num(o->t_train > 0 ? (double)o->samples / o->t_train : NAN),
	                              "steps_per_s", num(o->t_train > 0 ? (double)o->steps / o->t_train : NAN), "epochs",
	                              o->epochs, "steps", (json_int_t)o->steps, "samples", (json_int_t)o->samples,
	                              "stop_reason", o->stop_reason, "diverged", o->diverged, "diverged_step",
	                              o->diverged ? json_integer(o->diverged_step) : json_null()));
	json_object_set_new(r, "status", json_string(strcmp(o->stop_reason, "interrupted") ? "complete" : "interrupted"));
	return r;
}

json_t *gd_results_new(json_t *context, const char *command_line)
{
	return json_pack("{s:s, s:i, s:s, s:O, s:[]}", "schema", GD_RESULTS_SCHEMA, "version", GD_RESULTS_VERSION,
	                 "command", command_line ? command_line : "", "context", context, "runs");
}

int gd_results_write(const char *path, const json_t *doc)
{
	return gd_json_write_atomic(path, doc, JSON_INDENT(1) | JSON_REAL_PRECISION(10));
}
