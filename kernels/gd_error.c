/* gd_strerror: the one place error codes turn into words. */
#include <string.h>

#include "gd_error.h"

const char *gd_strerror(int err)
{
	switch (err) {
	case GD_OK: return "success";
#define GD__ERR_CASE(name, value, msg) case GD_##name: return msg;
	GD_ERRNO_MAP(GD__ERR_CASE)
#undef GD__ERR_CASE
	}
	/* -errno from a system call; strerror's table is read-only in glibc */
	if (err < 0 && err > -1000)
		return strerror(-err);
	return "unknown error";
}
