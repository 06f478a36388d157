/*
 * Runs a fuzz target over files without libFuzzer (any compiler): the seed
 * corpora and every input a fuzzer found, as regression tests. Arguments are
 * files or directories (each regular file inside, not recursive).
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz_input.h"

static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return perror(path), 1;
	size_t cap = 1 << 16, len = 0, r;
	unsigned char *buf = malloc(cap);
	while (buf && (r = fread(buf + len, 1, cap - len, f)) > 0)
		if ((len += r) == cap)
			buf = realloc(buf, cap *= 2);
	fclose(f);
	if (!buf)
		return fprintf(stderr, "%s: out of memory\n", path), 1;
	LLVMFuzzerTestOneInput(buf, len);
	free(buf);
	return 0;
}

int main(int argc, char **argv)
{
	int n = 0, bad = 0;
	for (int i = 1; i < argc; i++) {
		struct stat st;
		if (stat(argv[i], &st))
			return perror(argv[i]), 1;
		if (!S_ISDIR(st.st_mode)) {
			bad |= run_file(argv[i]), n++;
			continue;
		}
		DIR *d = opendir(argv[i]);
		for (struct dirent *e; d && (e = readdir(d));) {
			char p[4096];
			snprintf(p, sizeof(p), "%s/%s", argv[i], e->d_name);
			if (e->d_name[0] != '.' && !stat(p, &st) && S_ISREG(st.st_mode))
				bad |= run_file(p), n++;
		}
		if (d)
			closedir(d);
	}
	printf("%d inputs replayed\n", n);
	return bad || n == 0;
}
