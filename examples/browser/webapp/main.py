"""Render a page with jinja2 from YAML settings, a Markdown body and highlighted code.

Prints plain lines, so a test can compare Pyodide in a browser with CPython.
"""
import jinja2
import markdown
import markupsafe
import pygments
import yaml
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import PythonLexer

SETTINGS = """
title: pybundle in the browser
libraries: [jinja2, markupsafe, markdown, pygments, yaml]
"""

BODY = """
Served from **two bundles**: this app's, over a shared *standard library*.

| layer | holds |
|-------|-------|
| app.pyb | webapp and its libraries |
| stdlib.pyb | the standard library |
"""

TEMPLATE = """<h1>{{ title }}</h1>
<ul>{% for name in libraries %}<li>{{ name }}</li>{% endfor %}</ul>
{{ body | safe }}
<pre>{{ code | safe }}</pre>"""


def run():
    settings = yaml.safe_load(SETTINGS)
    body = markdown.markdown(BODY, extensions=["markdown.extensions.tables"])
    code = highlight("print(sum(range(10)))\n", PythonLexer(), HtmlFormatter(nowrap=True))
    page = jinja2.Environment(autoescape=True).from_string(TEMPLATE).render(body=body, code=code, **settings)
    print("title:", settings["title"])
    print("libraries:", ", ".join(settings["libraries"]))
    print("escaped:", markupsafe.escape("<b>&</b>"))
    print("page:", len(page.splitlines()), "lines,", page.count("<td>"), "table cells,", page.count("<span"), "code spans")
    for line in page.splitlines():
        print("|", line)
    print("done")
