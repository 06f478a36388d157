/* A lenient JSON loader: JSON has no NaN, Google Benchmark sometimes writes one anyway. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonread.h"

static const char *const bad_tokens[] = { "-Infinity", "Infinity", "-nan", "-NaN", "NaN", "nan", "-inf", "inf" };

json_t *gd_json_load_lenient(const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
		return NULL;
	}
	char *buf = NULL;
	size_t len = 0, cap = 0;
	for (;;) {
		if (len + 65536 + 1 > cap) {
			cap = cap ? 2 * cap : 1 << 20;
			char *nb = realloc(buf, cap);
			if (!nb) {
				free(buf);
				fclose(f);
				snprintf(err, errlen, "%s: out of memory", path);
				return NULL;
			}
			buf = nb;
		}
		size_t r = fread(buf + len, 1, 65536, f);
		len += r;
		if (r < 65536)
			break;
	}
	int rerr = ferror(f);
	fclose(f);
	if (rerr) {
		free(buf);
		snprintf(err, errlen, "%s: read error", path);
		return NULL;
	}
	json_t *doc = gd_json_parse_lenient(buf, len, path, err, errlen);
	free(buf);
	return doc;
}

json_t *gd_json_parse_lenient(const char *buf, size_t len, const char *name, char *err, size_t errlen)
{
	/* copy, writing the tokens as null (at most 4 bytes per byte of input) */
	char *out = malloc(4 * len + 1);
	if (!out) {
		snprintf(err, errlen, "%s: out of memory", name);
		return NULL;
	}
	size_t o = 0;
	int in_str = 0;
	for (size_t i = 0; i < len; i++) {
		char c = buf[i];
		if (in_str) {
			out[o++] = c;
			if (c == '\\' && i + 1 < len)
				out[o++] = buf[++i];
			else if (c == '"')
				in_str = 0;
			continue;
		}
		if (c == '"')
			in_str = 1;
		int replaced = 0;
		if (!(i > 0 && (isalnum((unsigned char)buf[i - 1]) || buf[i - 1] == '.')))
			for (size_t t = 0; t < sizeof(bad_tokens) / sizeof(bad_tokens[0]) && !replaced; t++) {
				size_t tl = strlen(bad_tokens[t]);
				if (i + tl <= len && !strncmp(buf + i, bad_tokens[t], tl) &&
				    (i + tl == len || !isalnum((unsigned char)buf[i + tl]))) {
					memcpy(out + o, "null", 4);
					o += 4;
					i += tl - 1;
					replaced = 1;
				}
			}
		if (!replaced)
			out[o++] = c;
	}
	json_error_t e;
	json_t *doc = json_loadb(out, o, 0, &e);
	free(out);
	if (!doc)
		snprintf(err, errlen, "%s:%d:%d: %s", name, e.line, e.column, e.text);
	return doc;
}
