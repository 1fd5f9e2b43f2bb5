-- engine/lua/import/templates.lua
-- The templates the importer knows, as data: for each, the kinds of table
-- its documents print, the words a title ends with, the columns a table may
-- have, and what each table is (its role for the build stage). A third
-- province is a new entry here, not new code.
-- See LICENSE for copyright and license.

local M = {}

-- A kind: 'key' (the table's role), 'suffix' (what its title ends with, spaces removed,
-- full-width forms as ASCII), 'shape' ("coded": code, name, figures a row; "sided": income
-- on the left, spending on the right; "sangong": one row of figures; "totals": one row of
-- totals; "nested": labels and one amount), 'columns' (the names a header may use, in the
-- order the model keeps them), 'alias' (other names for a column), 'dimension' (what the
-- codes of a coded table classify), 'contains' (words the title must also have). Of the
-- kinds a title fits, the one that names the most of it wins.

-- The Shanghai template's fiscal tables (each one fund's spending by function) and the 资金来源
-- each gives: the placing, the prose and the build stages read it here.
M.FISCAL = { T5 = "一般公共预算", T6 = "政府性基金", T6b = "国有资本经营预算" }

local SPENDING = { "合计", "基本支出", "项目支出", "事业单位经营支出", "上缴上级支出", "对附属单位补助支出" }

M.shanghai = {
  name = "shanghai",
  kinds = {
    { key = "T1", suffix = "财务收支预算总表", shape = "sided" },
    { key = "T4", suffix = "财政拨款收支预算总表", shape = "sided" },
    { key = "T2", suffix = "收入预算总表", shape = "coded", dimension = "功能分类",
      columns = { "合计", "财政拨款收入", "事业收入", "事业单位经营收入", "其他收入", "上年结转", "上级补助收入",
                  "附属单位上缴收入", "用事业基金弥补收支差额" },
      alias = { ["财政拨款"] = "财政拨款收入" } },
    { key = "T3", suffix = "支出预算总表", shape = "coded", dimension = "功能分类", columns = SPENDING },
    { key = "T5", suffix = "一般公共预算支出功能分类预算表", shape = "coded", dimension = "功能分类",
      columns = { "合计", "基本支出", "项目支出" }, source = "一般公共预算" },
    { key = "T6", suffix = "政府性基金预算支出功能分类预算表", shape = "coded", dimension = "功能分类",
      columns = { "合计", "基本支出", "项目支出" }, source = "政府性基金" },
    { key = "T6b", suffix = "国有资本经营预算支出功能分类预算表", shape = "coded", dimension = "功能分类",
      columns = { "合计", "基本支出", "项目支出" }, source = "国有资本经营预算" },
    { key = "T7", suffix = "经济分类预算表", shape = "coded", dimension = "经济分类",
      columns = { "合计", "人员经费", "公用经费" } },
    { key = "T8", suffix = "机关运行经费预算表", shape = "sangong",
      columns = { "合计", "因公出国(境)费", "公务接待费", "小计", "购置费", "运行费", "机关运行经费" } },
  },
  -- headings that end the tables: the prose that follows them
  prose = { "其他相关情况说明", "项目经费情况说明", "名词解释", "部门预算编制说明", "单位预算编制说明" },
}

M.jiangsu = {
  name = "jiangsu",
  kinds = {
    { key = "J1", suffix = "收支预算总表", shape = "sided3" },
    { key = "J4", suffix = "财政拨款收支预算总表", shape = "sided3" },
    { key = "J2", suffix = "收入预算总表", shape = "nested" },
    { key = "J3", suffix = "支出预算总表", shape = "totals",
      columns = { "合计", "基本支出", "项目支出", "单位预留机动经费", "结转下年资金" } },
    { key = "J5", suffix = "财政拨款支出预算表", shape = "coded", dimension = "功能分类", columns = { "金额" } },
    { key = "J6", suffix = "财政拨款基本支出预算表", shape = "coded", dimension = "经济分类", columns = { "金额" } },
    { key = "J7", suffix = "一般公共预算支出预算表", shape = "coded", dimension = "功能分类", columns = { "金额" } },
    { key = "J8", suffix = "一般公共预算基本支出预算表", shape = "coded", dimension = "经济分类", columns = { "金额" } },
    { key = "J9", suffix = "支出预算表", contains = { "政府性基金" }, shape = "coded", dimension = "功能分类", columns = { "金额" } },
    { key = "J10", suffix = "机关运行经费支出预算表", shape = "coded", dimension = "经济分类",
      columns = { "机关运行经费支出" } },
    { key = "J11", suffix = "培训费支出预算表", shape = "sangong",
      columns = { "合计", "小计", "因公出国(境)费", "公务用车小计", "购置费", "运行费", "公务接待费", "会议费",
                  "培训费" } },
    { key = "J12", suffix = "政府采购预算表", shape = "procurement" },
    { key = "J12", suffix = "政府采购支出预算表", shape = "procurement" },
  },
  prose = { "情况说明", "部门预算情况说明" },
}

M.all = { M.shanghai, M.jiangsu }

return M
