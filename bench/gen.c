/*
** bench/gen.c
** A synthetic budget of N leaf accounts, deterministic, written for the
** engine (a model with CSV data files) and for the peers it is measured
** against: a ledger/hledger journal, a beancount file, and CSV for pandas.
** The function classification has four levels, in the style of the real
** one: 类 (4 digits), 款 (2), 项 (2), 目 (3, the leaves), 1,000 leaves a 类.
**
**   gen N DIR
**
** See LICENSE for copyright and license.
*/
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const classes[] = {"一般公共服务支出", "教育支出", "科学技术支出", "文化旅游体育与传媒支出",
                                      "社会保障和就业支出", "卫生健康支出", "节能环保支出", "城乡社区支出",
                                      "农林水支出", "交通运输支出"};
static const char *const sections[] = {"行政运行", "一般行政管理事务", "机关服务", "专项业务", "事业运行",
                                       "科普活动", "学术交流活动", "基础研究", "应用研究", "其他支出"};
static const char *const sources[] = {"一般公共预算", "政府性基金", "事业收入"};
static const char *const kinds[] = {"基本支出", "项目支出"};

/* xorshift64*: the same amounts on every machine. */
static uint64_t next(uint64_t *s) {
  *s ^= *s >> 12;
  *s ^= *s << 25;
  *s ^= *s >> 27;
  return *s * 2685821657736338717u;
}

static FILE *open_out(const char *dir, const char *name) {
  char path[4096];
  FILE *f;
  snprintf(path, sizeof path, "%s/%s", dir, name);
  f = fopen(path, "w");
  if (f == NULL) {
    perror(path);
    exit(2);
  }
  return f;
}

int main(int argc, char **argv) {
  long n, leaves, c, k, x, m, nclass;
  uint64_t rng = 20211231;
  FILE *model, *members, *cells, *ledger, *bean;
  const char *dir;
  if (argc != 3 || (n = strtol(argv[1], NULL, 10)) < 1000 || n % 1000 != 0) {
    fprintf(stderr, "usage: gen N DIR   (N a multiple of 1,000)\n");
    return 2;
  }
  dir = argv[2];
  nclass = n / 1000;
  model = open_out(dir, "model.lua");
  fprintf(model,
          "-- A synthetic budget of %ld leaf accounts (bench/gen.c): 功能分类 in 4 levels, its members and\n"
          "-- cells in CSV files beside this one, which load in C rather than as Lua tables.\n"
          "model { name = \"synthetic %ld\", main = \"支出\" }\n"
          "dimension \"功能分类\" { levels = {\"类\", \"款\", \"项\", \"目\"}, file = \"members.csv\" }\n"
          "dimension \"资金来源\" { {\"一般公共预算\"}, {\"政府性基金\"}, {\"事业收入\"} }\n"
          "dimension \"支出性质\" { {\"基本支出\"}, {\"项目支出\"} }\n"
          "facts \"支出\" { dims = {\"功能分类\", \"资金来源\", \"支出性质\"}, unit = \"元\", file = \"cells.csv\" }\n",
          n, n);
  fclose(model);
  members = open_out(dir, "members.csv");
  cells = open_out(dir, "cells.csv");
  ledger = open_out(dir, "journal.ledger");
  bean = open_out(dir, "journal.beancount");
  fprintf(bean, "option \"operating_currency\" \"CNY\"\n2000-01-01 open Assets:Fund\n");
  leaves = 0;
  for (c = 0; c < nclass; c++) {
    fprintf(members, "%ld,%s%ld\n", 1000 + c, classes[c % 10], 1000 + c);
    for (k = 1; k <= 10; k++) {
      fprintf(members, "%ld %02ld,%s%02ld\n", 1000 + c, k, sections[(c + k) % 10], k);
      for (x = 1; x <= 10; x++) {
        fprintf(members, "%ld %02ld %02ld,%s%02ld%02ld\n", 1000 + c, k, x, sections[(k + x) % 10], k, x);
        for (m = 1; m <= 10; m++, leaves++) {
          uint64_t r = next(&rng);
          int64_t fen = 100000 + (int64_t)(r % 1000000000u);  /* 1,000.00 to 10,001,000.00 元 */
          const char *src = sources[(r >> 40) % 3], *kind = kinds[(r >> 50) % 2];
          fprintf(members, "%ld %02ld %02ld %03ld,项目%03ld\n", 1000 + c, k, x, m, m);
          fprintf(cells, "%ld%02ld%02ld%03ld,%s,%s,%" PRId64 ".%02" PRId64 "\n", 1000 + c, k, x, m, src, kind,
                  fen / 100, fen % 100);
          fprintf(ledger, "2021-01-01 预算\n    支出:C%ld:K%02ld:X%02ld:M%03ld    %" PRId64 ".%02" PRId64
                  " CNY\n    资金\n\n", 1000 + c, k, x, m, fen / 100, fen % 100);
          fprintf(bean, "2000-01-01 open Expenses:C%ld:K%02ld:X%02ld:M%03ld\n", 1000 + c, k, x, m);
        }
      }
    }
  }
  /* beancount: the transactions after every account is open */
  rng = 20211231;
  for (c = 0; c < nclass; c++)
    for (k = 1; k <= 10; k++)
      for (x = 1; x <= 10; x++)
        for (m = 1; m <= 10; m++) {
          uint64_t r = next(&rng);
          int64_t fen = 100000 + (int64_t)(r % 1000000000u);
          fprintf(bean, "2021-01-01 * \"budget\"\n  Expenses:C%ld:K%02ld:X%02ld:M%03ld  %" PRId64 ".%02" PRId64
                  " CNY\n  Assets:Fund\n", 1000 + c, k, x, m, fen / 100, fen % 100);
        }
  fclose(members);
  fclose(cells);
  fclose(ledger);
  fclose(bean);
  fprintf(stderr, "gen: %ld leaves in %s\n", leaves, dir);
  return 0;
}
