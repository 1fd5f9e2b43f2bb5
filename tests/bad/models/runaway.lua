-- expect: 2 the model runs too long
while true do end
