-- expect: 5 the model has more than 64 fact sets (the limit); facts "表65" passes it
-- the core holds a model's fact sets in an array of 64 (MODEL_MAX_FACTS, engine/core/model.h)
dimension "功能分类" { {"201", "一般公共服务支出"} }
for i = 1, 65 do
  facts ("表" .. i) { dims = {"功能分类"} }
end
