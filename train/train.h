/*
 * train.h: what cross-validation (cv.c) takes from training (train.c)
 * beyond the public calls.  Private to the library.
 */
#ifndef SLANT_TRAIN_H
#define SLANT_TRAIN_H

#include <stddef.h>

#include "slant.h"

/* The date a model records, "YYYY-MM-DD" into BUF (output, SIZE >= 11):
 * SOURCE_DATE_EPOCH when set and not empty (reproducible builds), else
 * today, in UTC.  A SOURCE_DATE_EPOCH that is not a plain whole number of
 * seconds from 1970 to the end of 9999 is refused
 * (SLANT_STATUS_BAD_OPTION), as the reproducible-builds specification asks
 * of a malformed value. */
slant_status slant_training_date(char *buf, size_t size, slant_error *err);

#endif /* SLANT_TRAIN_H */
