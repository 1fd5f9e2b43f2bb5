-- expect: 0 the model raised an error object that is a table, not a message
-- an error object that is not a message: no __tostring of the model's is run (a model has no setmetatable anyway)
error({})
