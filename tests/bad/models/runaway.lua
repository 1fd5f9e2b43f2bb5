-- expect: 2 the model runs too long (more than 50000000 instructions)
while true do end
