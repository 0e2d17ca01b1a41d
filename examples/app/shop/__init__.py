"""A tiny shop: prices from a data file, a cart, receipts."""
__version__ = "1.0"

from .models.cart import Cart
from .models.product import Product, load_catalog

__all__ = ["Cart", "Product", "load_catalog"]
