import datetime
import importlib
import importlib.metadata
import importlib.resources
import os
import pkgutil

import attr
import certifi
import jinja2
import markdown
import markupsafe
import pygments
import pytz
import six
import yaml
from pygments.formatters import HtmlFormatter
from pygments.lexers import PythonLexer

import app
from app.units import Quantity


def config():
    """Package data through importlib.resources."""
    text = importlib.resources.files('app').joinpath('data/config.yaml').read_text(encoding='utf-8')
    return yaml.safe_load(text)


def words():
    """Package data through a path relative to __file__."""
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, 'data', 'words.txt'), encoding='utf-8') as f:
        return [w.strip() for w in f if w.strip()]


def notes_html():
    """Package data through pkgutil.get_data, rendered with markdown extensions
    named by their short names (entry points of the Markdown distribution)."""
    text = pkgutil.get_data('app', 'data/notes.md').decode('utf-8')
    return markdown.markdown(text, extensions=['tables', 'toc', 'fenced_code'])


def plugins():
    """A namespace package: appns has no __init__.py."""
    import appns.plugins
    out = []
    for info in sorted(pkgutil.iter_modules(appns.plugins.__path__), key=lambda i: i.name):
        mod = importlib.import_module('appns.plugins.' + info.name)
        out.append(mod.describe())
    return out


def main():
    cfg = config()
    print('config:', cfg['title'], sorted(cfg['features']))
    print('words:', len(words()), words()[:3])
    print('data folder:', sorted(os.listdir(os.path.join(os.path.dirname(app.__file__), 'data'))))
    print('data folder exists:', os.path.isdir(os.path.join(os.path.dirname(app.__file__), 'data')),
          os.path.exists(os.path.join(os.path.dirname(app.__file__), 'data', 'config.yaml')),
          os.path.exists(os.path.join(os.path.dirname(app.__file__), 'data', 'missing.txt')))
    print('resources:', sorted(p.name for p in importlib.resources.files('app').joinpath('data').iterdir()))
    html = notes_html()
    print('markdown:', html.replace('\n', ' '))
    env = jinja2.Environment(loader=jinja2.PackageLoader('app', 'templates'), autoescape=True)
    print('templates:', sorted(env.list_templates()))
    page = env.get_template('page.html').render(title=cfg['title'], items=cfg['features'], body=markupsafe.Markup(html))
    print('page:', ' '.join(page.split()))
    print('highlight:', pygments.highlight('def f(x):\n    return x + 1\n', PythonLexer(), HtmlFormatter(nowrap=True)).replace('\n', ' '))
    print('plugins:', plugins())
    q = Quantity(3, 'kg')
    print('attrs:', q, attr.asdict(q), attr.evolve(q, amount=5))
    print('six:', six.PY3, six.moves.urllib.parse.quote('a b/c'), six.moves.http_client.OK)
    when = pytz.utc.localize(datetime.datetime(2024, 6, 1, 12, 0))
    paris = when.astimezone(pytz.timezone('Europe/Paris'))
    print('pytz:', when.isoformat(), paris.isoformat(), paris.tzname())
    print('certifi:', os.path.basename(certifi.where()), os.path.isfile(certifi.where()))
    for dist in ('Jinja2', 'Markdown', 'PyYAML', 'attrs', 'six', 'Pygments', 'MarkupSafe', 'pytz'):
        print('version:', dist, importlib.metadata.version(dist))
    eps = importlib.metadata.entry_points(group='markdown.extensions')
    print('entry points:', sorted(ep.name for ep in eps))
    print('requires:', importlib.metadata.requires('Jinja2'))
    print('metadata:', importlib.metadata.metadata('Markdown')['Name'], importlib.metadata.metadata('PyYAML')['Name'])
