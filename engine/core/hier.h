/*
** engine/core/hier.h
** Hierarchies (dimensions): trees of members with a code, a name and a parent,
** and references to members by code, name or path.
** See LICENSE for copyright and license.
*/
#ifndef HIER_H
#define HIER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mem.h"
#include "status.h"

/*
** A dimension such as 功能分类: 类 206 科学技术支出 → 款 206 07 科学技术普及 →
** 项 206 07 01 机构运行. Codes are stored compact ('2060701'); a child's code
** extends its parent's, and what it adds is its segment, which gives the
** spaced form '206 07 01'. Codes are unique within a dimension; names are not
** (行政运行 is both 201 29 01 and 206 01 01), which is why references can fail
** as ambiguous. Members without a code (资金来源, 支出性质) are named only.
*/
typedef struct hier hier;

/* A member's index: members are numbered 0, 1, ... in the order they were added. */
typedef uint32_t hier_id;

/* No member: the parent of a top-level member, and "every member" in a selection. */
#define HIER_NONE UINT32_MAX

/*
** A call that fails leaves its out-parameters untouched: *out, the buffer of
** hier_code_spaced and hier_path, the amounts of hier_roll_up. Only 'why' of
** hier_find is written on failure, since that is what it is for.
*/

/* {==================================================================
** Building
** =================================================================== */

/*
** A new empty dimension called 'name' (copied); the caller owns it and frees it
** with hier_free. A is borrowed and must outlive it. EINVAL for a name that is
** empty, has a leading or trailing space, a control character or '/', or is not
** UTF-8; ENOMEM. Nothing is left allocated on failure.
*/
budget_status hier_new(const mem_allocator *A, const char *name, hier **out);

/* Frees h and everything it owns; NULL is a no-op. */
void hier_free(hier *h);

/*
** Adds a member under 'parent' (HIER_NONE for the top level). 'code' may be
** NULL or "" for none, and may be spaced ('206 07 01'); it is letters and
** digits, must extend the parent's code when both have one, and must be new
** to the dimension (EDUPLICATE). 'name' is non-empty UTF-8 without '/' (the
** path separator) of at most NFKC_MAX bytes (nfkc.h: so that every name has its
** NFKC form, which lookups compare). EINVAL for a bad code, name or parent; ESTATE once sealed;
** EOVERFLOW when the dimension is full; ENOMEM. Code and name are copied. On
** failure the tree is as it was (only roomier) and *out is untouched.
*/
budget_status hier_add(hier *h, hier_id parent, const char *code, const char *name, hier_id *out);

/*
** Makes the indexes that lookups make on first use (by name; by code after an in-order
** bulk load), so that threads may share h read-only. Call before sharing a hierarchy.
*/
void hier_prepare(hier *h);

/* Makes room for 'members' more members and 'bytes' more of names and codes (a bulk load's hint). ESTATE once
** sealed, ENOMEM, EOVERFLOW; the members are unchanged either way. */
budget_status hier_reserve(hier *h, size_t members, size_t bytes);

/* hier_add with the code and the name given by their lengths (they need not end in NUL). */
budget_status hier_add_n(hier *h, hier_id parent, const char *code, size_t code_len, const char *name, size_t name_len,
                         hier_id *out);

/*
** Freezes the tree and numbers it in preorder, so that a member's subtree is
** the range [hier_pre, hier_pre + hier_size). Fact sets need sealed dimensions.
** Always BUDGET_OK, and sealing twice does nothing; when memory is short it
** only goes without its copy of the parents, which is a speed-up.
*/
budget_status hier_seal(hier *h);

/* }================================================================== */

/* {==================================================================
** Reading. Strings are borrowed: valid until the next hier_add, hier_add_n,
** hier_reserve or hier_free. A member id must be below hier_count: not checked.
** =================================================================== */

/* The dimension's name, how many members it has, and whether it is sealed. */
const char *hier_name(const hier *h);
size_t hier_count(const hier *h);
bool hier_sealed(const hier *h);

/*
** A member's name and code, its parent (HIER_NONE at the top), first child,
** next sibling (HIER_NONE for the last), depth, and whether it is a leaf.
*/
const char *hier_member_name(const hier *h, hier_id id);
const char *hier_member_code(const hier *h, hier_id id);  /* compact; "" when it has none */
hier_id hier_parent(const hier *h, hier_id id);
hier_id hier_first_child(const hier *h, hier_id id);  /* HIER_NONE for a leaf */
hier_id hier_next_sibling(const hier *h, hier_id id);
unsigned hier_depth(const hier *h, hier_id id);  /* 0 at the top level */
bool hier_is_leaf(const hier *h, hier_id id);

/* The code with a space between segments ('206 07 01') into buf; ESPACE if it does not fit, buf untouched. */
budget_status hier_code_spaced(const hier *h, hier_id id, char *buf, size_t size);

/* The names from the top down, joined by '/' ('科学技术支出/科学技术普及/机构运行'); ESPACE if too long, buf untouched. */
budget_status hier_path(const hier *h, hier_id id, char *buf, size_t size);

/*
** Adds each member's amount into its parent's, children first, so that amounts
** given on the members (the leaves' own) become every member's total.
** amounts (caller's) has hier_count(h) entries. EOVERFLOW leaves them as they
** were: what was added is taken back out.
*/
budget_status hier_roll_up(const hier *h, int64_t *amounts);

/* The bytes the dimension holds: its members, their texts and its indexes. */
size_t hier_bytes(const hier *h);

/* Sealed only: the member's place in preorder, and how many members its subtree holds (itself included). */
uint32_t hier_pre(const hier *h, hier_id id);
uint32_t hier_size(const hier *h, hier_id id);

/* Sealed only: true if 'id' is 'ancestor' or lies beneath it; every member is within HIER_NONE. */
bool hier_within(const hier *h, hier_id id, hier_id ancestor);

/* }================================================================== */

/* {==================================================================
** References
** =================================================================== */

#define HIER_MAX_CANDIDATES 8

/* Why a reference failed: the members it matched (ambiguous) or the nearest names (unknown). */
typedef struct hier_match {
  size_t total;                        /* matches in all; may exceed the ones listed */
  size_t count;                        /* entries in 'ids' */
  hier_id ids[HIER_MAX_CANDIDATES];
} hier_match;

/*
** Finds the member 'ref' names:
** - a code, compact or spaced at its segments: '206', '206 07 01', '2060701';
** - a name: '科学技术支出';
** - a path of names or codes, each the parent of the next, starting anywhere:
**   '科学技术支出/科学技术普及/机构运行', '群众团体事务/行政运行', '201/行政运行'.
** Leading and trailing spaces are ignored. On success *out is the member.
** EAMBIGUOUS: 'why' (may be NULL) lists the members that match, in preorder of
** addition. ENOTFOUND: 'why' lists the nearest names, closest first (none for
** a path with an empty segment). ref is borrowed for the call; *out is written
** only on success, 'why' only on failure. The first lookup by name makes the
** index: call hier_prepare before threads share h.
*/
budget_status hier_find(const hier *h, const char *ref, size_t len, hier_id *out, hier_match *why);

/* The member whose code is code[0..len) (compact or spaced), or ENOTFOUND (also for an empty or malformed code)
** with *out untouched: one hash lookup. */
budget_status hier_find_code(const hier *h, const char *code, size_t len, hier_id *out);

/*
** The message for a failed hier_find: for EAMBIGUOUS every candidate with its
** code and path, for ENOTFOUND the nearest names; for another status, that
** status in words. 'why' is as hier_find left it. Always NUL-terminated and
** truncated to fit buf; nothing is written when size is 0.
*/
void hier_explain(const hier *h, const char *ref, size_t len, budget_status rc, const hier_match *why,
                  char *buf, size_t size);

/* }================================================================== */

#endif
