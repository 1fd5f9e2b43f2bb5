-- expect: 2 '住房保障支出/住房公积金/购房补贴' is not a member of 功能分类; nearest: 221 02 03 购房补贴 (住房保障支出/住房改革支出/购房补贴)
print(model:total("住房保障支出/住房公积金/购房补贴"))
