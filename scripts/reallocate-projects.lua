-- scripts/reallocate-projects.lua
-- 项目间调剂: move 10万元 from 科普资源平台建设费 (上海科技报社) to 基层科普服务费
-- (上海市科普事业中心).
--
-- Run it:  build/budget run scripts/reallocate-projects.lua --model models/sast-2021.lua
--
-- A transfer takes the amount from the first project's sub-items in
-- proportion to their amounts (社区书院科普资源配送 34.91万, 科普资源库建设与运维 35万)
-- and gives it to the second's (科技会客厅, 重大科普活动, 科普资源配送), so each
-- project still adds up to its sub-items and the projects' total is unchanged.

local base = model or budget.load("models/sast-2021.lua")

local s = base:scenario("项目间调剂10万元")
s:transfer("科普资源平台建设费", "基层科普服务费", "10万")

s:report()
