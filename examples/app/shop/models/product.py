import json
import pkgutil
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Product:
    sku: str
    name: str
    price: Decimal


def load_catalog():
    """The catalog is a data file inside the package, read with get_data so it works from any loader."""
    raw = pkgutil.get_data("shop", "data/catalog.json")
    if raw is None:
        raise RuntimeError("catalog missing")
    items = json.loads(raw.decode("utf-8"))
    return {i["sku"]: Product(i["sku"], i["name"], Decimal(i["price"])) for i in items}
