/* gdbench-report: a `gdbench paths` file, optimizer paths over contour plots (report_sections.h). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "report_fig.h"
#include "report_plot.h"
#include "report_sections.h"

/* The 2-D test functions (kernels/testfn.c) as gnuplot expressions: the file
 * names each function and its parameters, not its formula. Rosenbrock and Beale
 * are drawn as log10(1 + f), their valleys being too flat for plain contours. */
void rp_paths_section(rp_ctx *ctx, json_t *doc)
{
	rp_section(ctx, "paths", "Optimizer paths on test functions");
	size_t i;
	json_t *fn;
	json_array_foreach(json_object_get(doc, "functions"), i, fn) {
		const char *name = rp_str(fn, "function");
		json_t *box = json_object_get(fn, "box");
		double k = rp_num(fn, "kappa"), th = rp_num(fn, "theta");
		char f[512];
		if (!strcmp(name, "quadratic")) {
			double cs = cos(th), sn = sin(th), a = cs * cs + k * sn * sn, b = (1 - k) * cs * sn, d = sn * sn + k * cs * cs;
			snprintf(f, sizeof(f), "0.5*(%.9g*x**2 + 2*%.9g*x*y + %.9g*y**2)", a, b, d);
		} else if (!strcmp(name, "rosenbrock"))
			snprintf(f, sizeof(f), "log10(1 + (1-x)**2 + 100*(y-x**2)**2)");
		else if (!strcmp(name, "beale"))
			snprintf(f, sizeof(f), "log10(1 + (1.5-x+x*y)**2 + (2.25-x+x*y**2)**2 + (2.625-x+x*y**3)**2)");
		else if (!strcmp(name, "saddle"))
			snprintf(f, sizeof(f), "x**2 - y**2");
		else
			continue;
		rp_fig fg;
		if (rp_fig_begin(ctx, &fg, 760, 560))
			return;
		FILE *gp = fg.gp, *dat = fg.dat;
		char contp[512];
		rp_fig_path(ctx, &fg, "cont", contp, sizeof(contp));
		size_t j;
		json_t *p;
		json_array_foreach(json_object_get(fn, "paths"), j, p) {
			size_t q;
			json_t *xy;
			json_array_foreach(json_object_get(p, "xy"), q, xy)
				fprintf(dat, "%.9g %.9g\n", json_number_value(json_array_get(xy, 0)), json_number_value(json_array_get(xy, 1)));
			fprintf(dat, "\n\n");
		}
		double x0 = json_number_value(json_array_get(box, 0)), x1 = json_number_value(json_array_get(box, 1));
		double y0 = json_number_value(json_array_get(box, 2)), y1 = json_number_value(json_array_get(box, 3));
		fprintf(gp, "f(x,y) = %s\nset xrange [%g:%g]\nset yrange [%g:%g]\nset isosamples 120,120\nset samples 120,120\n"
		            "set contour base\nset cntrparam levels auto 14\nunset surface\nset view map\n"
		            "set table '%s'\nsplot f(x,y)\nunset table\nunset contour\n",
		        f, x0, x1, y0, y1, contp);
		char title[200];
		snprintf(title, sizeof(title), "%s%s: optimizer paths over contours of %s", name,
		         !strcmp(name, "quadratic") ? " (kappa 10, rotated)" : "",
		         !strcmp(name, "rosenbrock") || !strcmp(name, "beale") ? "log10(1 + f)" : "f");
		fputs("set title ", gp);
		rp_gq(gp, title);
		fputs("\nset xlabel 'x'\nset ylabel 'y'\nset size ratio -1\nset key outside below maxrows 3\n", gp);
		fprintf(gp, "plot '%s' with lines lc rgb '#bbbbbb' notitle", contp);
		/* the page's colour of each optimizer's family (the same across the four
		 * functions), a point type each, and the later paths thinner, so that a
		 * path that another one covers still shows */
		json_array_foreach(json_object_get(fn, "paths"), j, p) {
			char key[200]; /* the optimizer without its learning rate: "sgd:momentum=0.9" */
			const char *oname = rp_str(p, "optimizer"), *lr = strstr(oname, "lr=");
			if (lr)
				snprintf(key, sizeof(key), "path %.*s%s", (int)(lr - oname), oname, lr + strcspn(lr, ":") + (lr[strcspn(lr, ":")] ? 1 : 0));
			else
				snprintf(key, sizeof(key), "path %s", oname);
			fprintf(gp, ", '%s' index %zu with linespoints pt %zu ps 0.6 pi 8 lw %.1f lc rgb '%s' title ", fg.datp, j,
			        j % 6 + 1, j < 6 ? 3.0 - 0.4 * (double)j : 1.0, rp_color(ctx, key));
			rp_gq(gp, rp_str(p, "optimizer"));
		}
		json_t *mn = json_object_get(fn, "minimizer");
		if (json_is_array(mn))
			fprintf(gp, ", '+' using (%g):(%g) every ::0::0 with points pt 3 ps 2 lc rgb 'black' title 'minimum'",
			        json_number_value(json_array_get(mn, 0)), json_number_value(json_array_get(mn, 1)));
		fputc('\n', gp);
		rp_fig_end(ctx, &fg, title);
	}
}
