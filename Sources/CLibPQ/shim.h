#ifndef STROKEPATH_CLIBPQ_SHIM_H
#define STROKEPATH_CLIBPQ_SHIM_H
#include <libpq-fe.h>
#endif
