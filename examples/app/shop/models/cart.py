from collections import Counter

from ..util.money import format_money
from .product import Product


class Cart:
    def __init__(self, catalog):
        self.catalog = catalog
        self.lines = Counter()

    def add(self, sku, quantity=1):
        if sku not in self.catalog:
            raise KeyError(f"unknown product {sku!r}")
        self.lines[sku] += quantity

    def total(self):
        return sum((self.catalog[s].price * q for s, q in self.lines.items()), start=0)

    def receipt(self):
        rows = [f"{q:>3} x {self.catalog[s].name:<10} {format_money(self.catalog[s].price * q):>10}" for s, q in sorted(self.lines.items())]
        rows.append(f"{'total':>16} {format_money(self.total()):>10}")
        return "\n".join(rows)
