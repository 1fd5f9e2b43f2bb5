/*
** engine/version.h
** The engine's version, one place for the CLI, the library and pkg-config.
** See LICENSE for copyright and license.
*/
#ifndef VERSION_H
#define VERSION_H

#define BUDGET_VERSION_MAJOR 0
#define BUDGET_VERSION_MINOR 1
#define BUDGET_VERSION_PATCH 0
#define BUDGET_VERSION "0.1.0"

#endif
