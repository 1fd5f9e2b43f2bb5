-- expect: 4 the model is read-only once loaded: changes go in a scenario (model:scenario(name))
-- reaching under the model to its cells, with no scenario made yet: the base never changes,
-- so the next script (or the next run in a planning tool) sees the model as loaded
model.core:put(0, {0, 0, 0}, "1")
