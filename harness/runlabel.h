/*
 * A run's mode as --mode spells it, rebuilt from its record in a result file
 * (mode, batch, hogwild_lock, mpi): "full", "sample", "minibatch:B",
 * "hogwild:B", "hogwild-locked:B", "mpi:full", "mpi:minibatch:B". The one
 * place that knows how; tune, the report and gdbench-compare use it (the
 * tools compile this file: it needs jansson only).
 */
#ifndef GD_RUNLABEL_H
#define GD_RUNLABEL_H
#include <stddef.h>

#include <jansson.h>

/* Writes the label of run r into buf (len > 0; "?" for a record without a mode). */
void gd_run_mode_label(const json_t *r, char *buf, size_t len);
#endif
