/*
 * drift.h: what labeling (label.c) takes from drift.c.  Private to the
 * library.
 */
#ifndef SLANT_DRIFT_H
#define SLANT_DRIFT_H

#include "slant.h"

/* The idf that MODEL's hashed tf-idf pipeline gives a bucket no training
 * document filled, from the training document count its provenance
 * records (see slant_known_shares); 0 when it records none, or the model
 * is no hashed tf-idf one. */
float slant_model_unseen_idf(const slant_model *model);

#endif /* SLANT_DRIFT_H */
