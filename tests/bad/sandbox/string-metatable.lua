-- expect: 3 attempt to index a boolean value
-- the string table behind (""):rep is out of reach
getmetatable('').__index.rep = nil
