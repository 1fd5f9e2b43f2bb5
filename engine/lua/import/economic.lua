-- engine/lua/import/economic.lua
-- The 款 of the 部门预算支出经济分类 (expenditure by economic nature) by name,
-- in the classification from 2018 on and in the one before it: a table that
-- numbers a standard line otherwise (咨询费 as 302 02, where the classification
-- has it at 302 03) is reported at that row. Data from the national
-- classification, not from any one document; names it does not list are
-- never judged.
-- See LICENSE for copyright and license.

local M = {}

local COMMON_302 = {
  ["01"] = "办公费", ["02"] = "印刷费", ["03"] = "咨询费", ["04"] = "手续费", ["05"] = "水费", ["06"] = "电费",
  ["07"] = "邮电费", ["08"] = "取暖费", ["09"] = "物业管理费", ["11"] = "差旅费", ["12"] = "因公出国(境)费用",
  ["13"] = "维修(护)费", ["14"] = "租赁费", ["15"] = "会议费", ["16"] = "培训费", ["17"] = "公务接待费",
  ["18"] = "专用材料费", ["24"] = "被装购置费", ["25"] = "专用燃料费", ["26"] = "劳务费", ["27"] = "委托业务费",
  ["28"] = "工会经费", ["29"] = "福利费", ["31"] = "公务用车运行维护费", ["39"] = "其他交通费用",
  ["99"] = "其他商品和服务支出",
}

-- From 2018 (财预〔2017〕98号).
local V2018 = {
  ["301"] = { ["01"] = "基本工资", ["02"] = "津贴补贴", ["03"] = "奖金", ["06"] = "伙食补助费", ["07"] = "绩效工资",
              ["08"] = "机关事业单位基本养老保险缴费", ["09"] = "职业年金缴费", ["10"] = "职工基本医疗保险缴费",
              ["11"] = "公务员医疗补助缴费", ["12"] = "其他社会保障缴费", ["13"] = "住房公积金", ["14"] = "医疗费",
              ["99"] = "其他工资福利支出" },
  ["302"] = COMMON_302,
  ["303"] = { ["01"] = "离休费", ["02"] = "退休费", ["03"] = "退职(役)费", ["04"] = "抚恤金", ["05"] = "生活补助",
              ["06"] = "救济费", ["07"] = "医疗费补助", ["08"] = "助学金", ["09"] = "奖励金",
              ["10"] = "个人农业生产补贴", ["99"] = "其他对个人和家庭的补助" },
  ["310"] = { ["01"] = "房屋建筑物购建", ["02"] = "办公设备购置", ["03"] = "专用设备购置", ["05"] = "基础设施建设",
              ["06"] = "大型修缮", ["07"] = "信息网络及软件购置更新", ["08"] = "物资储备", ["13"] = "公务用车购置",
              ["19"] = "其他交通工具购置", ["21"] = "文物和陈列品购置", ["22"] = "无形资产购置",
              ["99"] = "其他资本性支出" },
}

-- Up to 2017.
local V2017 = {
  ["301"] = { ["01"] = "基本工资", ["02"] = "津贴补贴", ["03"] = "奖金", ["04"] = "社会保障缴费", ["06"] = "伙食补助费",
              ["07"] = "绩效工资", ["08"] = "机关事业单位基本养老保险缴费", ["09"] = "职业年金缴费",
              ["99"] = "其他工资福利支出" },
  ["302"] = COMMON_302,
  ["303"] = { ["01"] = "离休费", ["02"] = "退休费", ["03"] = "退职(役)费", ["04"] = "抚恤金", ["05"] = "生活补助",
              ["06"] = "救济费", ["07"] = "医疗费", ["08"] = "助学金", ["09"] = "奖励金", ["10"] = "生产补贴",
              ["11"] = "住房公积金", ["12"] = "提租补贴", ["13"] = "购房补贴", ["14"] = "采暖补贴",
              ["15"] = "物业服务补贴", ["99"] = "其他对个人和家庭的补助支出" },
  ["310"] = V2018["310"],
}

-- The code the classification of 'year' gives the line named 'name' under the 类 of 'code'
-- ('302 02', '咨询费' → '302 03'), where it differs from 'code'; nil where they agree or the
-- classification does not name the line, or names the printed code otherwise only.
function M.official(code, name, year, flat)
  local class, kuan = code:match("^(%d%d%d) (%d%d)$")
  if not class then return nil end
  local table_ = ((tonumber(year) or 2018) <= 2017 and V2017 or V2018)[class]
  if not table_ then return nil end
  local want = flat(name)
  if flat(table_[kuan] or "") == want then return nil end
  for k, n in pairs(table_) do
    if flat(n) == want then return class .. " " .. k end
  end
end

return M
