from greet import hello

print(hello("bundle"))
