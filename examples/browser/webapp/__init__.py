"""A small app on third-party pure-Python packages (Debian's jinja2, markupsafe,
markdown, pygments, yaml), served in a web page from a layered bundle."""
