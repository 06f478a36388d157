/* The --help texts of the commands with the most options (help.c). */
#ifndef GD_HELP_H
#define GD_HELP_H
#include <stdio.h>

void help_run(FILE *f);
void help_kernels(FILE *f);
#endif
