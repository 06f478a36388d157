/* The result file of `gdbench run` (run_record.c): the document with this machine's context, and each run's record. */
#ifndef GD_RUN_RECORD_H
#define GD_RUN_RECORD_H
#include <stddef.h>

#include <jansson.h>

#include "comm.h"
#include "cpu.h"
#include "dataset.h"
#include "results.h"
#include "topo.h"
#include "train.h"

/*
 * The document the runs go into. With append and an existing out_path, that
 * file: GD_EFORMAT with the reason in why ("no runs", or the parser's) when
 * it is not a result file. Otherwise a new one whose context has the machine
 * at ISA cap, OpenBLAS at 1 thread, the MPI ranks (cm, may be NULL), the
 * command line argv[0..argc) and, when roofline is set and this is rank 0,
 * the roofline on 1 and on the most of threads[0..nthr) (placed compactly;
 * over: more threads than PUs allowed).
 */
int run_doc_open(const gd_topo *topo, gd_isa cap, const gd_comm *cm, int roofline, const int *threads, int nthr,
                 int over, int argc, char **argv, const char *out_path, int append, json_t **doc, char *why,
                 size_t whylen);

/* One run's record: gd_run_json, with "mpi" (mj, taken over; may be NULL),
 * "sparse" for CSR training data, "hogwild_lock" for a locked Hogwild run and,
 * with keep_params, "final_params". NULL on allocation failure. */
json_t *run_record(const gd_run_desc *d, const gd_run_cfg *cfg, const gd_run_out *o, json_t *mj,
                   const gd_dataset *train, int keep_params);
#endif
