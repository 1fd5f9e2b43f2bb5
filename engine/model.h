/*
** engine/model.h
** A model: the dimensions and fact sets of one budget, owned together, and
** references resolved across its dimensions.
** See LICENSE for copyright and license.
*/
#ifndef MODEL_H
#define MODEL_H

#include <stddef.h>

#include "facts.h"
#include "hier.h"
#include "mem.h"
#include "status.h"

/*
** The model owns its dimensions and fact sets and frees them with itself.
** Dimensions are built first, then sealed, then fact sets are made over them;
** the rest of a model (views, rules, stated figures) is Lua's.
*/
typedef struct model model;

#define MODEL_MAX_DIMS 64
#define MODEL_MAX_FACTS 64

budget_status model_new(const mem_allocator *A, model **out);

/* Frees the model, its dimensions and fact sets; NULL is a no-op. */
void model_free(model *m);

/* A new empty dimension named 'name' (unique: EDUPLICATE), owned by m; *index gets its place. */
budget_status model_add_dim(model *m, const char *name, size_t *index);

/* A new fact set over the named dimensions (each sealed), owned by m; *index gets its place. */
budget_status model_add_facts(model *m, const char *name, const size_t *dims, size_t ndims, money grain,
                              size_t *index);

size_t model_ndims(const model *m);
size_t model_nfacts(const model *m);

/* Borrowed; valid until model_free. */
hier *model_dim(const model *m, size_t index);
facts *model_facts(const model *m, size_t index);

/* The index of the dimension or fact set with that name, or ENOTFOUND. */
budget_status model_dim_index(const model *m, const char *name, size_t *index);
budget_status model_facts_index(const model *m, const char *name, size_t *index);

/* The bytes the model holds: its dimensions and fact sets, as allocated. */
size_t model_bytes(const model *m);

/* Makes every index the lookups would make on first use, so that threads may share m read-only. */
void model_prepare(model *m);

/*
** Resolves a reference in every dimension (or only in dimension 'only', when
** it is not SIZE_MAX). Found in exactly one: *dim and *id. Otherwise
** EAMBIGUOUS or ENOTFOUND, and msg (size bytes) says why: the candidates with
** their dimension, code and path, or the nearest names.
*/
budget_status model_find(const model *m, const char *ref, size_t len, size_t only, size_t *dim, hier_id *id,
                         char *msg, size_t size);

#endif
