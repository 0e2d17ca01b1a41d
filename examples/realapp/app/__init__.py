"""A small application on Debian's third-party pure-Python packages (see ../README.md)."""
__version__ = '1.0'
