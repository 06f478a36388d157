/* Noise: the gradient-noise schedule sigma_t, and the accounting of machine noise
 * (foreign CPU time, the noisy-run verdict). */
#include <math.h>
#include <stdio.h>
#include <sys/resource.h>
#include <unistd.h>

#include "train_run.h"

/* Noise sigma_t for step t (0 when off). */
float train_noise_sigma(const gd_run_cfg *c, long t)
{
	if (!(c->noise_eta > 0))
		return 0;
	return (float)sqrt(c->noise_eta / pow(1.0 + (double)t, c->noise_gamma));
}

/* Busy CPU seconds of the whole machine (/proc/stat) minus this process's
 * own (getrusage): the foreign load. NAN where /proc/stat cannot be read. */
double train_foreign_cpu_now(void)
{
	FILE *f = fopen("/proc/stat", "r");
	if (!f)
		return NAN;
	unsigned long long v[8] = { 0 };
	int n = fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5],
	               &v[6], &v[7]);
	fclose(f);
	if (n < 8)
		return NAN;
	/* user nice system [idle iowait] irq softirq steal */
	double busy = (double)(v[0] + v[1] + v[2] + v[5] + v[6] + v[7]) / (double)sysconf(_SC_CLK_TCK);
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	double self = (double)ru.ru_utime.tv_sec + 1e-6 * (double)ru.ru_utime.tv_usec + (double)ru.ru_stime.tv_sec +
	              1e-6 * (double)ru.ru_stime.tv_usec;
	return busy - self;
}

int gd_run_noisy(const gd_run_out *o, int threads, int npu)
{
	/* not the load average: it is smoothed over a minute and counts this
	 * process's own earlier runs, so a suite would flag itself */
	(void)npu;
	/* switches are counted over the whole run (training and evaluation) */
	/* a few preemptions by kernel housekeeping are normal with every PU
	 * busy; a short run turns them into a high rate, hence the floor */
	int preempted = o->ivcsw >= 10 && o->t_total > 0 && (double)o->ivcsw / o->t_total / threads > 50.0;
	/* /proc/stat ticks are 10 ms: only a run of a second or more can say */
	int foreign = o->t_total >= 1.0 && o->foreign_cpu_s > 0.1 * o->t_total;
	return preempted || foreign;
}
