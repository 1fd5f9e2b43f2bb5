-- expect: 4 attempt to call a nil value (field 'emit')
-- budget.emit is a batch's; in a run there is none
-- batch: no (a batch has budget.emit)
budget.emit(model:scenario("x"), {})
