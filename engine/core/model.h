/*
** engine/core/model.h
** A model: the dimensions and fact sets of one budget, owned together, and
** references resolved across its dimensions.
** See LICENSE for copyright and license.
*/
#ifndef MODEL_H
#define MODEL_H

#include <stdbool.h>
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
#define MODEL_MAX_LINKS 64

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

/* {==================================================================
** Links: two fact sets that describe the same money
** =================================================================== */

/*
** A document describes one money several times: by function, by economic
** line, in the 三公 table, by project. A link says that a selection of one
** fact set and a selection of another are the same money, so that a scenario
** can carry a change of one to the other (scenario.h). MODEL_LINK_EQUAL: the
** two totals are equal, at the coarser of the two sets' grains (the 三公
** table's 0.01万元 against 302 12 at the fen). MODEL_LINK_PART: side a is a
** part of side b (the listed projects within 项目支出): a's total never exceeds
** b's, and a change of a is a change of b.
*/
typedef enum model_link_kind { MODEL_LINK_EQUAL, MODEL_LINK_PART } model_link_kind;

typedef struct model_link {
  model_link_kind kind;
  size_t set[2];                     /* side a and side b: two different fact sets */
  hier_id sel[2][FACTS_MAX_DIMS];    /* a member per dimension of each side's set, HIER_NONE for all */
  money grain;                       /* computed: the coarser of the two sets' grains, where totals are compared */
  money base[2];                     /* computed: each side's total in the model's cells */
} model_link;

/*
** Adds a link (copied; its grain and base totals are computed, so the cells
** must be in: links come after the facts). EINVAL for a kind, set or
** member out of range, two sides in one set, grains neither of which divides
** the other, MODEL_MAX_LINKS links, or a link that would close a cycle of
** sets (a and b already joined through other sets): each change must have one
** way to go; or a second link between the same two sets whose selection on
** either side shares cells with the first's (the two would pull the same cells
** two ways: model_link_overlaps). EOVERFLOW if a side's total does not fit. *index (may be NULL) gets its place. On failure m is unchanged.
*/
budget_status model_add_link(model *m, const model_link *link, size_t *index);

/* True if 'link' shares cells, on either side, with a link m has between the same two fact sets. */
bool model_link_overlaps(const model *m, const model_link *link);

/* How many links m has, and link i (below model_nlinks: not checked), borrowed until model_free. */
size_t model_nlinks(const model *m);
const model_link *model_link_at(const model *m, size_t i);

/* True if fact sets a and b are joined by links, directly or through other sets (a set is joined to itself). */
bool model_linked(const model *m, size_t a, size_t b);

/* }================================================================== */

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
