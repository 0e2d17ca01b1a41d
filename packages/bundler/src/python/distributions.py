# pybundle helper: which installed distributions provide the bundled
# top-level modules, found the way importlib.metadata finds them on this
# interpreter's sys.path; and what this interpreter calls an extension module.
#
# Runs in any CPython 3.8+ (and Pyodide): no subprocess, no third-party
# imports, imports nothing it inspects. Reads one JSON request on stdin,
# writes one JSON answer on stdout:
#
# request  {"paths": [abs dir, ...],              prepended to sys.path
#           "metadata": bool,                      false: only extensionSuffixes
#           "tops": {"jinja2": [root, ...], ...}}  bundled top-level names, with the
#                                                  sys.path folder(s) each was found in
# answer   {"extensionSuffixes": [...],
#           "distributions": [{"name": "Jinja2-3.1.2.egg-info", "path": abs,
#                              "isFile": bool, "project": "Jinja2",
#                              "provides": ["jinja2"]}, ...],
#           "skipped": [{"name", "path", "reason"}, ...]}
#
# A distribution provides a top-level name when its metadata says so
# (top_level.txt; else the first part of each path in RECORD /
# installed-files.txt; with neither, its project name as an import name)
# AND it sits in the same sys.path folder as the module
# that was bundled: a shadowed copy of the same project elsewhere on sys.path
# describes other files.
import sys

_here = globals().get('__file__')
if sys.path and _here and sys.path[0] == __import__('os').path.dirname(_here):
    del sys.path[0]

import os
import json
import importlib.machinery as machinery

EXT_SUFFIXES = list(machinery.EXTENSION_SUFFIXES)
CODE_SUFFIXES = tuple(machinery.SOURCE_SUFFIXES) + tuple(machinery.BYTECODE_SUFFIXES) + tuple(EXT_SUFFIXES)


def real(p):
    try:
        return os.path.realpath(p)
    except (OSError, ValueError):
        return p


def top_of(part):
    """The top-level import name a first path part stands for, or None."""
    if part in ('', '.', '..', '__pycache__') or part.endswith(('.dist-info', '.egg-info', '.data', '.pth')):
        return None
    for suffix in CODE_SUFFIXES:
        if part.endswith(suffix):
            return part[:-len(suffix)]
    return part if '.' not in part else None


def tops_of(dist, entry, root):
    names = set()
    try:
        text = dist.read_text('top_level.txt')
    except Exception:
        text = None
    if text:
        for line in text.splitlines():
            line = line.strip().replace('\\', '/')
            if line:
                names.add(line.split('/')[0].split('.')[0])
        return names
    try:
        files = dist.files or ()
    except Exception:
        files = ()
    for f in files:
        try:
            located = real(str(f.locate()))
        except Exception:
            continue
        rel = os.path.relpath(located, root) if located.startswith(root + os.sep) else None
        if rel is None:
            continue
        t = top_of(rel.split(os.sep)[0])
        if t:
            names.add(t)
    if not names and not files:
        # Neither top_level.txt nor a file list (an old-style single-file
        # foo.egg-info holds only PKG-INFO): the project's own name, normalized
        # as an import name, is all there is to go by.
        try:
            project = dist.metadata['Name']
        except Exception:
            project = None
        if project:
            names.add(project.strip().lower().replace('-', '_').replace('.', '_'))
    return names


def find(req, out):
    import importlib.metadata as metadata
    wanted = {}
    for name, roots in req.get('tops', {}).items():
        for r in roots:
            wanted.setdefault(real(r), set()).add(name)
    seen = set()
    for dist in metadata.distributions():
        path = getattr(dist, '_path', None)
        if path is None:
            continue
        entry = str(path)
        root = real(os.path.dirname(entry))
        if root not in wanted or entry in seen:
            continue
        seen.add(entry)
        provides = sorted(wanted[root] & tops_of(dist, entry, root))
        if not provides:
            continue
        name = os.path.basename(entry)
        try:
            project = dist.metadata['Name']
        except Exception:
            project = None
        if os.path.isdir(entry) or os.path.isfile(entry):
            out['distributions'].append({'name': name, 'path': entry, 'isFile': not os.path.isdir(entry),
                                         'project': project, 'provides': provides})
        else:
            out['skipped'].append({'name': name, 'path': entry,
                                   'reason': 'not a folder or file on the filesystem (inside a zip?)'})


def main():
    req = json.loads(sys.stdin.read() or '{}')
    sys.path[0:0] = [os.path.abspath(p) for p in req.get('paths', [])]
    out = {'extensionSuffixes': EXT_SUFFIXES, 'distributions': [], 'skipped': []}
    if req.get('metadata'):
        try:
            find(req, out)
        except Exception as e:  # a broken installation must not stop the build: say so in the summary
            out['skipped'].append({'name': '', 'path': '',
                                   'reason': 'importlib.metadata failed: %s: %s' % (type(e).__name__, e)})
        out['distributions'].sort(key=lambda d: d['name'].encode('utf-8'))
    sys.stdout.write(json.dumps(out))
    sys.stdout.flush()


if __name__ == '__main__':
    main()
