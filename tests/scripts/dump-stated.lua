-- tests/scripts/dump-stated.lua
-- Run by the importer's tests: prints every figure a model's views state, a line each:
-- 'view number | view | block | row key | column | amount in fen', so a test can find a
-- printed total by its table and row without parsing the model file.
-- 'budget run tests/scripts/dump-stated.lua --model M'.

for _, v in ipairs(model.views) do
  for b, blk in ipairs(v.blocks) do
    for _, row in ipairs(blk.stated_rows or {}) do
      for c, col in ipairs(blk.columns) do
        print(string.format("%s|%s|%d|%s|%s|%s", tostring(v.number or ""), v.name, b, tostring(row.key), col.label,
          tostring(row.values[c]:fen())))
      end
    end
  end
end
