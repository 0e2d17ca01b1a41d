"""python -m shop [--check]: price a cart from the bundled catalog."""
import argparse
import sys

from . import Cart, load_catalog
from .util.money import format_money


def main(argv=None):
    parser = argparse.ArgumentParser(prog="shop")
    parser.add_argument("--check", action="store_true", help="run a self-check and exit")
    parser.add_argument("items", nargs="*", help="sku=quantity")
    args = parser.parse_args(argv)
    catalog = load_catalog()
    cart = Cart(catalog)
    items = args.items or (["apple=3", "bread=1"] if args.check else [])
    for item in items:
        sku, _, qty = item.partition("=")
        cart.add(sku, int(qty or 1))
    print(cart.receipt())
    if args.check:
        assert format_money(cart.total()) == "€ 4.45", cart.total()
        print("check ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
