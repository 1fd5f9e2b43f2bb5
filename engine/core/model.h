/*
** engine/core/model.h
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

/*
** A new empty model whose memory comes from A (borrowed: it must outlive the
** model). The caller owns *out and frees it with model_free. ENOMEM, with *out
** untouched.
*/
budget_status model_new(const mem_allocator *A, model **out);

/* Frees the model, its dimensions and fact sets; NULL is a no-op. */
void model_free(model *m);

/*
** A new empty dimension named 'name' (copied; unique: EDUPLICATE), owned by m;
** *index gets its place. EINVAL when m has MODEL_MAX_DIMS dimensions or for a
** name hier_new refuses; ENOMEM. On failure m is unchanged and *index untouched.
*/
budget_status model_add_dim(model *m, const char *name, size_t *index);

/*
** A new fact set 'name' (copied) over the dimensions whose indexes are
** dims[0..ndims), each sealed, owned by m; *index gets its place. EDUPLICATE for
** a name in use; EINVAL when m has MODEL_MAX_FACTS sets, for too many dimensions
** or an index out of range, and as facts_new says; ESTATE for an unsealed
** dimension; ENOMEM. On failure m is unchanged and *index untouched.
*/
budget_status model_add_facts(model *m, const char *name, const size_t *dims, size_t ndims, money grain,
                              size_t *index);

/* How many dimensions and fact sets m has: their indexes run from 0 below these. */
size_t model_ndims(const model *m);
size_t model_nfacts(const model *m);

/* Dimension or fact set 'index' (below model_ndims or model_nfacts: not checked). Borrowed; valid until model_free. */
hier *model_dim(const model *m, size_t index);
facts *model_facts(const model *m, size_t index);

/* The index of the dimension or fact set with that name, or ENOTFOUND with *index untouched. */
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
** their dimension, code and path, or the nearest names. 'only' must be below
** model_ndims (not checked). *dim and *id are written only on success; msg is
** written either way (empty on success), NUL-terminated and truncated to size,
** and not at all when size is 0.
*/
budget_status model_find(const model *m, const char *ref, size_t len, size_t only, size_t *dim, hier_id *id,
                         char *msg, size_t size);

#endif
