import json, decimal, dataclasses, sys

@dataclasses.dataclass
class Point:
    x: decimal.Decimal
    y: decimal.Decimal

p = Point(decimal.Decimal('1.10'), decimal.Decimal('2.20'))
print(json.dumps({'sum': str(p.x + p.y), 'python': sys.version.split()[0]}))
print('json from', json.__file__)
